from . import test_msp_it_audit_install
