# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request

# What the customer reads of its vendor accounts: never the cost, the credentials location
# or the notes (those fields are the MSP's staff's only, by their groups).
PORTAL_FIELDS = (
    "name",
    "vendor_name",
    "account_number",
    "circuit_ref",
    "phone_numbers",
    "tenant_ref",
    "domain_names",
    "support_phone",
    "support_url",
    "support_hours",
    "renewal_date",
    "date_end",
    "notice_date",
    "loa_expiry_date",
)


class MspPortalVendors(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "msp_vendor_account_count" in counters:
            Account = request.env["msp.vendor.account"]
            values["msp_vendor_account_count"] = (
                Account.search_count([]) if Account.has_access("read") else 0
            )
        return values

    @http.route(["/my/vendors"], type="http", auth="user", website=True)
    def portal_my_vendor_accounts(self, **kw):
        """The customer's vendor accounts (its own, by the portal record rule, read with the
        user's rights) and those renewing in the next three months."""
        values = self._prepare_portal_layout_values()
        # the user's own rights: the portal rule keeps the customer's own accounts
        accounts = request.env["msp.vendor.account"].search([])
        accounts.fetch(PORTAL_FIELDS)
        today = fields.Date.context_today(accounts)
        values.update(
            {
                "page_name": "msp_vendors",
                "msp_vendor_accounts": accounts,
                "msp_vendor_renewals": accounts._msp_portal_renewals(today),
                "msp_today": today,
            }
        )
        return request.render("msp_service_contract.portal_my_vendor_accounts", values)
