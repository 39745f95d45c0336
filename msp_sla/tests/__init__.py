from . import (
    test_calendar,
    test_changes,
    test_constraints,
    test_cron,
    test_customer_report_wizard,
    test_first_response,
    test_msp_sla_install,
    test_no_deadline,
    test_pause,
    test_performance,
    test_report,
    test_security,
)
