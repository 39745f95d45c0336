from . import test_msp_sla_install
