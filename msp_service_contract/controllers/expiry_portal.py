# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request

# What the portal lists: the dates of the last month (just expired) and the next year.
PORTAL_PAST_DAYS = 30
PORTAL_AHEAD_DAYS = 365


class ExpiryPortal(CustomerPortal):
    """Customers see their own company's upcoming renewals and expiries (the record rules
    decide which: no sudo)."""

    def _msp_expiry_portal_domain(self):
        today = fields.Date.context_today(request.env.user)
        return [
            ("expiry_date", ">=", today - timedelta(days=PORTAL_PAST_DAYS)),
            ("expiry_date", "<=", today + timedelta(days=PORTAL_AHEAD_DAYS)),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "msp_expiry_count" in counters:
            Item = request.env["msp.expiry.item"]
            values["msp_expiry_count"] = (
                Item.search_count(self._msp_expiry_portal_domain())
                if Item.has_access("read")
                else 0
            )
        return values

    @http.route(["/my/renewals"], type="http", auth="user", website=True)
    def portal_msp_renewals(self, **kw):
        Item = request.env["msp.expiry.item"]
        items = (
            Item.search(self._msp_expiry_portal_domain(), order="expiry_date, id")
            if Item.has_access("read")
            else Item
        )
        values = self._prepare_portal_layout_values()
        values.update({"items": items, "page_name": "msp_renewals"})
        return request.render("msp_service_contract.portal_my_renewals", values)
