# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import random
import time

from psycopg2.extensions import TransactionRollbackError

from odoo import models

_logger = logging.getLogger(__name__)

# Attempts of a scheduled action that a concurrent transaction made fail, and the time after
# which a failed attempt is not run again (a long action is not run five times over; it
# picks up its committed progress at its next call).
CONFLICT_ATTEMPTS = 5
CONFLICT_RETRY_SECONDS = 120


class IrCron(models.Model):
    """The suite's scheduled actions run again when a concurrent transaction makes them fail.

    Under Odoo's REPEATABLE READ transactions, a scheduled action that changes (or locks) a
    row another transaction changed after it started fails with a serialization error, or a
    deadlock is broken by failing it. Odoo retries a user's request that fails so, but a
    scheduled action is only marked failed and waits for its next call: a day for the daily
    actions (expiry reminders, renewals). The suite's actions are written to run again safely
    (they roll back whole, or commit their progress and pick up the rest), so they are run
    again at once, after a short random wait, like a request."""

    _inherit = "ir.cron"

    def _callback(self, cron_name, server_action_id):
        attempt, started = 1, time.monotonic()
        while True:
            try:
                return super()._callback(cron_name, server_action_id)
            except TransactionRollbackError as error:
                if (
                    attempt >= CONFLICT_ATTEMPTS
                    or time.monotonic() - started > CONFLICT_RETRY_SECONDS
                    or not self._msp_runs_again_on_conflict()
                ):
                    raise
                # super() rolled the transaction back; forget what the cache holds of it
                self.env.transaction.reset()
                wait = random.uniform(0.0, 0.25 * 2**attempt)
                _logger.info(
                    "Job %r (%s) met a concurrent update (%s); running it again in %.2f s "
                    "(attempt %s of %s)",
                    cron_name,
                    self.id,
                    error.pgcode,
                    wait,
                    attempt + 1,
                    CONFLICT_ATTEMPTS,
                )
                time.sleep(wait)
                # a new transaction, whose snapshot sees what was committed during the wait
                self.env.cr.rollback()
                attempt += 1

    def _msp_runs_again_on_conflict(self):
        """The scheduled actions of the suite's addons (msp_*)."""
        self.ensure_one()
        # sudo: reads which module declared this scheduled action
        return bool(
            self.env["ir.model.data"]
            .sudo()
            .search_count(
                [
                    ("model", "=", "ir.cron"),
                    ("res_id", "=", self.id),
                    ("module", "=like", "msp\\_%"),
                ],
                limit=1,
            )
        )
