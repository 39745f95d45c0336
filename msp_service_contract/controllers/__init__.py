from . import portal
from . import vendors
