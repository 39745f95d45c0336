from . import msp_contract_trueup_wizard
