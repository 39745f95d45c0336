# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The mixins first: models below inherit them.
from . import input_limits, msp_customer_mixin

# isort: split
from . import (
    crm_lead,
    ir_actions_report,
    msp_asset,
    msp_asset_software,
    msp_audit,
    msp_audit_check,
    msp_audit_finding,
    msp_audit_pricing,
    msp_audit_scan_rule,
    msp_audit_template,
    msp_audit_template_item,
    msp_eol_entry,
    res_partner,
    sale_order,
    sale_order_line,
)
