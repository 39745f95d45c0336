from . import portal
from . import expiry_portal
from . import vendors
from . import outage
