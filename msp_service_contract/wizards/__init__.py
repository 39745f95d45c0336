from . import msp_contract_trueup_wizard
from . import msp_contract_prepaid_wizard
from . import msp_contract_terminate_wizard
from . import msp_contract_renew_wizard
