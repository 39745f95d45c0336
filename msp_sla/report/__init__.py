from . import msp_sla_report, report_customer_sla
