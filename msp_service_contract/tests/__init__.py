from . import test_msp_service_contract_install
from . import test_ui
from . import test_hours_ledger
from . import test_coverage
from . import test_invoicing
from . import test_trueup
from . import test_security
from . import test_flow
