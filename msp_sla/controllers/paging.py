# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup, escape

from odoo import http
from odoo.http import request


class MspPaging(http.Controller):
    @http.route(
        "/msp/page/ack/<int:page_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        sitemap=False,
    )
    def msp_page_acknowledge(self, page_id, token, **kwargs):
        """The one-click link of a page (e-mail, notification, SMS): acknowledges the incident
        as the person paged, without a login. The link is signed for that page and person
        (HMAC with the database secret); a second click says it was already acknowledged."""
        # sudo: the signed token stands for the paged person; nothing else is read or written
        page = request.env["msp.page"].sudo().browse(page_id).exists()
        if not page or not page.user_id or not page._msp_check_token(token):
            return request.make_response(
                self._msp_page_html(request.env._("This acknowledge link is not valid.")),
                status=404,
                headers=[("Content-Type", "text/html; charset=utf-8")],
            )
        # sudo: acknowledged as the paged person the signed token names, by the engine
        incident = page.incident_id.with_user(page.user_id).sudo()
        done = incident._msp_acknowledge("email")
        incident.invalidate_recordset()
        if done:
            text = request.env._(
                "Acknowledged: %(ticket)s. Paging has stopped.",
                ticket=incident.ticket_id.display_name,
            )
        else:
            text = request.env._(
                "%(ticket)s was already acknowledged by %(user)s.",
                ticket=incident.ticket_id.display_name,
                user=incident.acknowledged_by_id.name or "-",
            )
        return request.make_response(
            self._msp_page_html(text), headers=[("Content-Type", "text/html; charset=utf-8")]
        )

    @staticmethod
    def _msp_page_html(text):
        return Markup(
            "<!DOCTYPE html><html><head><meta name='viewport' content='width=device-width'>"
            "<title>%s</title></head><body style='font-family:sans-serif;padding:1em'>"
            "<h1 class='o_msp_page_ack_result'>%s</h1></body></html>"
        ) % (escape(text), escape(text))
