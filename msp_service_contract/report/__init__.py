from . import msp_contract_revenue_report
from . import report_monthly_service
from . import report_monthly_service_vendors
