# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MspVendorAccount(models.Model):
    """Vendor accounts feed the expiry watch: the day notice must be given before the service
    renews (else the renewal or term end), and the expiry of the letter of authorisation."""

    _name = "msp.vendor.account"
    _inherit = ["msp.vendor.account", "msp.expiry.source.mixin"]

    _msp_expiry_fields = (
        "name",
        "vendor_id",
        "renewal_date",
        "date_end",
        "notice_days",
        "loa_expiry_date",
        "active",
        "partner_id",
        "company_id",
    )

    def _msp_expiry_sources(self):
        sources = super()._msp_expiry_sources()
        for account in self:
            watched = account.active
            if account.notice_date and account.notice_days:
                term_label = self.env._("give notice by")
            elif account.renewal_date:
                term_label = self.env._("renews")
            else:
                term_label = self.env._("term ends")
            for key, kind, date, label in (
                ("term", "vendor_term", account.notice_date, term_label),
                (
                    "authorisation",
                    "authorisation",
                    account.loa_expiry_date,
                    self.env._("letter of authorisation"),
                ),
            ):
                sources.append(
                    {
                        "res_id": account.id,
                        "key": key,
                        "kind": kind,
                        "name": f"{account.display_name}: {label}",
                        "expiry_date": watched and date,
                        "partner_id": account.partner_id.commercial_partner_id.id,
                        "company_id": account.company_id.id,
                    }
                )
        return sources
