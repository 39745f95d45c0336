# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import P3, MspSlaCase


@tagged("post_install", "-at_install")
class TestSlaConstraints(MspSlaCase):
    """Bad configuration is refused with a clear message, and nothing is saved."""

    def assertRefused(self, call, message, model="msp.sla.policy"):
        """``call`` is refused with ``message``, as a user would read it: a ValidationError,
        or a database constraint that Odoo's RPC layer turns into its message."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                call()
                self.env.flush_all()
        except (ValidationError, IntegrityError) as caught:
            error = caught
        else:
            self.fail(f"not refused: expected {message!r}")
        if isinstance(error, IntegrityError):
            self.env.invalidate_all()
            error = self.env[model]._sql_error_to_message(error)
        self.assertIn(message, str(error))

    def test_zero_or_negative_target(self):
        for minutes in (0, -15):
            self.assertRefused(
                lambda m=minutes: self.env["msp.sla.target"].create(
                    {
                        "policy_id": self.policy.id,
                        "priority": "0",
                        "kind": "response",
                        "duration_minutes": m,
                    }
                ),
                "positive number of minutes",
                model="msp.sla.target",
            )
        self.assertFalse(self.policy.target_ids.filtered(lambda t: t.priority == "0"))

    def test_two_targets_of_the_same_kind_and_priority(self):
        count = len(self.policy.target_ids)
        self.assertRefused(
            lambda: self.policy.write(
                {
                    "target_ids": [
                        Command.create({"priority": P3, "kind": "response", "duration_minutes": 30})
                    ]
                }
            ),
            "only one target of each kind for a priority",
            model="msp.sla.target",
        )
        self.policy.invalidate_recordset()
        self.assertEqual(len(self.policy.target_ids), count)

    def test_business_hours_target_needs_working_hours(self):
        empty = self.env["resource.calendar"].create(
            {"name": "No hours", "tz": "Europe/Brussels", "attendance_ids": [Command.clear()]}
        )
        self.assertRefused(
            lambda: self.env["msp.sla.policy"].create(
                {
                    "name": "Impossible",
                    "calendar_id": empty.id,
                    "target_ids": [
                        Command.create({"priority": P3, "kind": "response", "duration_minutes": 60})
                    ],
                }
            ),
            "has no working hours",
        )
        self.assertFalse(self.env["msp.sla.policy"].search([("name", "=", "Impossible")]))
        # Round the clock targets do not need working hours.
        policy = self.env["msp.sla.policy"].create(
            {
                "name": "Always on",
                "calendar_id": empty.id,
                "target_ids": [
                    Command.create(
                        {
                            "priority": P3,
                            "kind": "response",
                            "duration_minutes": 60,
                            "counting": "always",
                        }
                    )
                ],
            }
        )
        self.assertTrue(policy.target_ids)

    def test_at_risk_threshold_range(self):
        for value in (0, 100, 150, -5):
            self.assertRefused(
                lambda v=value: self.policy.write({"at_risk_threshold": v}),
                "give a value from 1 to 99",
            )
        self.policy.invalidate_recordset()
        self.assertEqual(self.policy.at_risk_threshold, 75)
