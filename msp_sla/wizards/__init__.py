from . import msp_sla_customer_report_wizard
