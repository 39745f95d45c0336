from . import test_msp_service_contract_install, test_ui
