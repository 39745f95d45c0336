# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError
from odoo.http import request


class MspAuditPortal(CustomerPortal):
    """The customer's published IT audits on the portal: a list and each report's PDF.

    Record rules decide what a portal user sees: the published audits of their own company.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "msp_audit_count" in counters:
            Audit = request.env["msp.audit"]
            values["msp_audit_count"] = (
                Audit.search_count([("is_published", "=", True)]) if Audit.has_access("read") else 0
            )
        return values

    @http.route("/my/it-audits", type="http", auth="user", website=True)
    def portal_my_it_audits(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "audits": request.env["msp.audit"].search([("is_published", "=", True)]),
                "page_name": "msp_audit",
            }
        )
        return request.render("msp_it_audit.portal_my_it_audits", values)

    @http.route("/my/it-audits/<int:audit_id>/report", type="http", auth="user", website=True)
    def portal_my_it_audit_report(self, audit_id, download=False, **kw):
        try:
            # checks the user's own read access; the returned record is sudo for rendering
            audit_sudo = self._document_check_access("msp.audit", audit_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._show_report(
            model=audit_sudo,
            report_type="pdf",
            report_ref="msp_it_audit.msp_audit_report_action",
            download=download,
        )
