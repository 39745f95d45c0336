from . import paging
