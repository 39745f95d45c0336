from . import portal
from . import outage
