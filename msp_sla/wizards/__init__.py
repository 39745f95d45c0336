from . import msp_sla_customer_report_wizard
from . import msp_ledger_integrity_wizard
from . import msp_ledger_integrity_result
from . import msp_sla_holiday_wizard
from . import msp_alert_wizards
