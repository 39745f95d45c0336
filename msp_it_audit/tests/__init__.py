from . import (
    test_asset_matching,
    test_audit_flow,
    test_constraints,
    test_glpi_import,
    test_hostile_input,
    test_input_limits,
    test_msp_it_audit_install,
    test_nmap_import,
    test_portal,
    test_risk_score,
    test_rpc,
    test_security,
)
