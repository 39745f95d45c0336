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

    def _msp_serialize_intake(self, cr):
        """Webhook calls of a database run one at a time. Each new ticket appends to the
        company's SLA ledger chain, whose head row two concurrent calls would both update:
        under REPEATABLE READ the later one fails and Odoo retries it after a random wait of
        up to seconds, which an alert storm turns into long delays. A table lock taken as
        the transaction's first statement makes the second call wait instead, and since no
        query ran before it, its snapshot is taken after the wait and sees the first call's
        work (PostgreSQL takes a REPEATABLE READ snapshot at the first query, not at LOCK).
        The lock mode blocks only other intakes and changes to alert sources, not reads.
        Correctness does not rest on it: the unique index makes each alert exactly once."""
        cr.execute("LOCK TABLE msp_alert_source IN SHARE ROW EXCLUSIVE MODE")

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
        """Checks in this order, each answering before anything is written: the source exists
        and is active (404), the bearer token (401), the body's size (413), the JSON and its
        fields (400). Then the whole batch is recorded in the request's one transaction."""
        self._msp_serialize_intake(request.env.cr)
        # sudo: the caller is anonymous until its token is checked; nothing is read or written
        # for it before that, and the intake then acts as OdooBot (not a person)
        env = request.env(user=SUPERUSER_ID, su=True)
        source = env["msp.alert.source"].browse(source_id).exists()
        if not source or not source.active:
            return self._msp_answer(404, error="unknown alert source")
        if not source._msp_alert_check_token(self._msp_bearer()):
            return self._msp_answer(401, error="wrong or missing bearer token")
        data = self._msp_read_body(source.body_limit_kb * 1024)
        if data is None:
            return self._msp_answer(
                413, error=f"the body is larger than the source's limit ({source.body_limit_kb} kB)"
            )
        try:
            alerts = parse_alerts(source.kind, data)
        except PayloadError as error:
            return self._msp_answer(400, error=str(error))
        source = source.with_company(source.company_id).with_context(
            tracking_disable=True, mail_notrack=True
        )
        summary = source._msp_alert_ingest(alerts)
        return self._msp_answer(200, **summary)
