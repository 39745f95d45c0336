# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import alerts
from . import paging
