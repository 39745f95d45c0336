# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from .common import P1, P2, P3, P4, MspSlaCase, local

# Queries msp_sla may add to the creation of one ticket (the goal: plain helpdesk + 8).
EXTRA_QUERIES = 8


@tagged("post_install", "-at_install")
class TestSlaQueryBudget(MspSlaCase):
    """Creating a ticket costs a bounded number of queries, whatever the configuration."""

    def count_create_queries(self, **vals):
        self.env.invalidate_all()
        with freeze_time(local(2026, 11, 25, 9, 0)):
            start = self.env.cr.sql_log_count
            self.create_ticket(local(2026, 11, 25, 9, 0), **vals)
            self.env.flush_all()
            return self.env.cr.sql_log_count - start

    def test_create_query_count_does_not_grow_with_policies(self):
        self.count_create_queries()  # warm the registry caches
        without_policy = self.count_create_queries(team_id=False)
        with_policy = self.count_create_queries()
        self.assertLessEqual(with_policy, without_policy + EXTRA_QUERIES)

        for index in range(20):
            self.env["msp.sla.policy"].create(
                {
                    "name": f"Filler {index}",
                    "calendar_id": self.calendar.id,
                    "target_ids": [
                        Command.create({"priority": p, "kind": k, "duration_minutes": 60 + index})
                        for p in (P1, P2, P3, P4)
                        for k in ("response", "plan", "resolution")
                    ],
                }
            )
        self.count_create_queries()  # the configuration changed: its cache is rebuilt once
        self.assertEqual(self.count_create_queries(), with_policy)
