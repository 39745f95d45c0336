# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The alert webhook: POST /msp/alerts/<source id> (docs/emergency.md, "Alert intake")."""

import logging

from werkzeug.exceptions import RequestEntityTooLarge

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..models.msp_alert_payload import PayloadError, parse_alerts

_logger = logging.getLogger(__name__)


class MspAlertController(http.Controller):
    def _msp_answer(self, status, **values):
        return request.make_json_response(values, status=status)

    def _msp_bearer(self):
        header = request.httprequest.headers.get("Authorization") or ""
        scheme, _sep, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""

    def _msp_read_body(self, limit):
        """The body, or None when it is larger than ``limit`` bytes: refused on its declared
        length before reading, and read no further than the limit when it declares none."""
        declared = request.httprequest.content_length
        if declared is not None and declared > limit:
            return None
        request.httprequest.max_content_length = limit
        try:
            # cached: Odoo runs the call again after a serialization failure
            return request.httprequest.get_data()
        except RequestEntityTooLarge:
            return None

    def _msp_checked_call(self, source_id):
        """(source, alerts) of an accepted call, or (answer, None) of a refused one. Checks
        in this order, each answering before anything is written: the source exists and is
        active (404), the bearer token (401), the body's size (413), the JSON and its fields
        (400)."""
        # sudo: the caller is anonymous until its token is checked; nothing is read or written
        # for it before that, and the intake then acts as OdooBot (not a person)
        env = request.env(user=SUPERUSER_ID, su=True)
        source = env["msp.alert.source"].browse(source_id).exists()
        if not source or not source.active:
            return self._msp_answer(404, error="unknown alert source"), None
        if not source._msp_alert_check_token(self._msp_bearer()):
            return self._msp_answer(401, error="wrong or missing bearer token"), None
        data = self._msp_read_body(source.body_limit_kb * 1024)
        if data is None:
            return self._msp_answer(
                413, error=f"the body is larger than the source's limit ({source.body_limit_kb} kB)"
            ), None
        try:
            alerts = parse_alerts(source.kind, data)
        except PayloadError as error:
            return self._msp_answer(400, error=str(error)), None
        return source, alerts

    @http.route(
        "/msp/alerts/<int:source_id>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def msp_alert_webhook(self, source_id, **kwargs):
        """Checks the call (_msp_checked_call), then records the whole batch in one
        transaction. The checks only read: their transaction is dropped, and a new one
        starts as the call needs (the intake lock for a call that may change tickets, else
        READ COMMITTED: msp.alert.source._msp_alert_start_intake). The call was accepted
        when it was checked: a token rotated or a source archived in the milliseconds
        between does not refuse it, as for a call that had started just before."""
        source, alerts = self._msp_checked_call(source_id)
        if alerts is None:
            return source
        changes_tickets = source._msp_alert_changes_tickets(alerts)
        request.env.cr.rollback()
        source._msp_alert_start_intake(changes_tickets)
        source = source.with_company(source.company_id).with_context(
            tracking_disable=True, mail_notrack=True
        )
        summary = source._msp_alert_ingest(alerts, changes_tickets=changes_tickets)
        return self._msp_answer(200, **summary)
