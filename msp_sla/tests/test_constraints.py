# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged
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

    def test_zero_or_negative_target_is_a_validation_error_before_the_insert(self):
        """Not the database's CHECK: the ORM's ValidationError, naming the field, for
        create and write, over the ORM and in the policy form."""
        Target = self.env["msp.sla.target"]
        target = self.policy.target_ids.filtered(lambda t: t.priority == P3)[0]
        for minutes in (0, -15, False):
            expected = (
                "Target (minutes) of an SLA target must be a positive number of minutes "
                f"(for example 240 for four hours), not {minutes}."
            )
            vals = {"policy_id": self.policy.id, "priority": "0", "duration_minutes": minutes}
            with self.assertRaises(ValidationError) as caught:
                Target.create(vals)
            self.assertEqual(type(caught.exception), ValidationError)
            self.assertEqual(str(caught.exception), expected)
            with self.assertRaises(ValidationError) as caught:
                target.write({"duration_minutes": minutes})
            self.assertEqual(type(caught.exception), ValidationError)
            self.assertEqual(str(caught.exception), expected)
        target.invalidate_recordset()
        self.assertGreater(target.duration_minutes, 0)
        self.assertFalse(self.policy.target_ids.filtered(lambda t: t.priority == "0"))

        expected = (
            "Target (minutes) of an SLA target must be a positive number of minutes "
            "(for example 240 for four hours), not 0."
        )
        with Form(self.env["msp.sla.policy"]) as form:
            form.name = "Bronze"
            form.calendar_id = self.calendar
            with form.target_ids.new() as line:
                line.duration_minutes = 0
            with self.assertRaises(ValidationError) as caught:
                form.save()
            self.assertEqual(type(caught.exception), ValidationError)
            self.assertEqual(str(caught.exception), expected)
            with form.target_ids.edit(0) as line:
                line.duration_minutes = 30
        bronze = self.env["msp.sla.policy"].search([("name", "=", "Bronze")])
        self.assertEqual(bronze.target_ids.duration_minutes, 30)
        with Form(self.policy) as form:
            with form.target_ids.edit(0) as line:
                line.duration_minutes = -5
            with self.assertRaises(ValidationError) as caught:
                form.save()
            self.assertIn("not -5.", str(caught.exception))
            with form.target_ids.edit(0) as line:
                line.duration_minutes = 45

    def test_target_beyond_ten_years_is_a_validation_error_before_the_insert(self):
        """A target above 2^31 minutes used to reach PostgreSQL (integer out of range): it
        is refused at ten years (5,256,000 minutes), for create and write."""
        Target = self.env["msp.sla.target"]
        target = self.policy.target_ids.filtered(lambda t: t.priority == P3)[0]
        before = target.duration_minutes
        for minutes in (5_256_001, 2**31, 10**12, float("inf")):
            vals = {"policy_id": self.policy.id, "priority": "0", "duration_minutes": minutes}
            with self.assertRaisesRegex(
                ValidationError, r"Target \(minutes\) .* at most 5256000 minutes \(ten years\)"
            ):
                Target.create(vals)
            with self.assertRaisesRegex(ValidationError, "at most 5256000 minutes"):
                target.write({"duration_minutes": minutes})
        target.invalidate_recordset()
        self.assertEqual(target.duration_minutes, before)
        self.assertFalse(self.policy.target_ids.filtered(lambda t: t.priority == "0"))
        ten_years = Target.create(
            {"policy_id": self.policy.id, "priority": "0", "duration_minutes": 5_256_000}
        )
        self.assertEqual(ten_years.duration_minutes, 5_256_000)

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
