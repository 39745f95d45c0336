# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import msp_audit_import_wizard, msp_audit_schedule_wizard
