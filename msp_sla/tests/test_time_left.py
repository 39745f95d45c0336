# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import MspSlaCase, local


def breach_due(env, at):
    """What the SLA scan's breach step does at ``at`` (the scan itself is tested in
    test_cron, with its own cursor)."""
    with freeze_time(at):
        clocks = env["msp.sla.clock"].search([("state", "=", "running"), ("deadline", "<=", at)])
        env["msp.sla.event"]._msp_sla_log(clocks._msp_mark_breached())


@tagged("post_install", "-at_install")
class TestSlaTimeLeft(MspSlaCase):
    """The ticket says how much business time is left (or overdue) and when, in the reader's
    time zone, counted on the SLA calendar (8-12, 13-18 Mon-Fri, Brussels) like the engine."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent.tz = "Europe/Brussels"
        cls.agent.lang = "en_US"

    def time_left(self, ticket, at):
        with freeze_time(at):
            ticket.invalidate_recordset(["msp_sla_time_left"])
            return ticket.with_user(self.agent).msp_sla_time_left

    def test_business_time_left_and_deadline_in_the_users_zone(self):
        # Monday 7 January 2030, 09:00: the P3 response target is 4 business hours.
        ticket = self.create_ticket(local(2030, 1, 7, 9, 0))
        self.assertEqual(
            self.time_left(ticket, local(2030, 1, 7, 10, 45)),
            "2 h 15 min left · Mon 7 Jan 14:00",
            "1 h 45 min of the 4 h counted; the deadline as a Brussels user reads it",
        )

    def test_over_a_weekend_counts_working_hours_only(self):
        # Friday 4 January 2030, 17:00: one working hour on Friday, three on Monday.
        ticket = self.create_ticket(local(2030, 1, 4, 17, 0))
        self.assertEqual(
            self.time_left(ticket, local(2030, 1, 4, 17, 30)),
            "3 h 30 min left · Mon 7 Jan 11:00",
        )
        # Saturday: no working time passes, the same time is left.
        self.assertEqual(
            self.time_left(ticket, local(2030, 1, 5, 12, 0)),
            "3 h 0 min left · Mon 7 Jan 11:00",
        )

    def test_overdue_in_business_time(self):
        ticket = self.create_ticket(local(2030, 1, 7, 9, 0))
        # Tuesday 08:30: 8 h counted on Monday and 30 min on Tuesday, 4 h allowed (18 h 30 of
        # wall-clock time have passed since the 14:00 deadline; 4 h 30 min of working time).
        self.assertEqual(
            self.time_left(ticket, local(2030, 1, 8, 8, 30)),
            "overdue by 4 h 30 min · Mon 7 Jan 14:00",
        )
        # Marked breached at 15:00, the clock keeps counting: at 15:40, 5 h 40 min counted.
        breach_due(self.env, local(2030, 1, 7, 15, 0))
        self.assertEqual(ticket.msp_sla_status, "breached")
        self.assertEqual(ticket.msp_sla_due_at, local(2030, 1, 7, 14, 0))
        self.assertEqual(
            self.time_left(ticket, local(2030, 1, 7, 15, 40)),
            "overdue by 1 h 40 min · Mon 7 Jan 14:00",
        )

    def test_paused_met_and_no_sla(self):
        ticket = self.create_ticket(local(2030, 1, 7, 9, 0))
        self.move(ticket, self.stage_waiting, local(2030, 1, 7, 10, 0))
        self.assertEqual(self.time_left(ticket, local(2030, 1, 7, 11, 0)), "paused")
        self.move(ticket, self.stage_done, local(2030, 1, 7, 11, 0))
        self.assertFalse(self.time_left(ticket, local(2030, 1, 7, 12, 0)))
        no_sla = self.create_ticket(local(2030, 1, 7, 9, 0), team_id=False)
        self.assertEqual(no_sla.msp_sla_status, "none")
        self.assertFalse(self.time_left(no_sla, local(2030, 1, 7, 10, 0)))

    def test_a_list_costs_the_same_queries_for_5_or_40_tickets(self):
        tickets = self.env["helpdesk.ticket"]
        for minute in range(40):
            tickets |= self.create_ticket(local(2030, 1, 7, 9, minute))

        def queries(records):
            self.env.invalidate_all()
            records = records.with_user(self.agent)
            before = self.env.cr.sql_log_count
            with freeze_time(local(2030, 1, 7, 11, 0)):
                records.mapped("msp_sla_time_left")
            return self.env.cr.sql_log_count - before

        queries(tickets)  # warms the calendar's cached working windows
        self.assertEqual(queries(tickets[:5]), queries(tickets))


@tagged("post_install", "-at_install")
class TestHelpdeskOpensOnMyQueue(MspSlaCase):
    """The Helpdesk app opens on the technician's open tickets, the most urgent first."""

    def test_root_menu_opens_my_queue_and_the_dashboard_stays(self):
        root = self.env.ref("helpdesk_mgmt.helpdesk_ticket_main_menu")
        action = self.env.ref("msp_sla.helpdesk_ticket_action_my_queue")
        self.assertEqual(root.action, action)
        menus = self.env["ir.ui.menu"].with_user(self.agent).load_web_menus(False)
        self.assertEqual(menus[root.id]["actionID"], action.id, "the app opens the queue")
        dashboard = self.env.ref("helpdesk_mgmt.helpdesk_ticket_dashboard_menu")
        self.assertEqual(dashboard.parent_id, root)
        self.assertEqual(
            dashboard.action, self.env.ref("helpdesk_mgmt.helpdesk_ticket_dashboard_action")
        )

    def queue(self, user):
        """The records the list of the app's action shows ``user``: the action's domain and
        its context's search defaults (filters of the search view), in the list's order."""
        action = self.env.ref("msp_sla.helpdesk_ticket_action_my_queue")
        context = safe_eval(action.context, {"uid": user.id})
        Ticket = self.env["helpdesk.ticket"].with_user(user)
        views = Ticket.get_views(
            [(False, "search"), *[(v.view_id.id, v.view_mode) for v in action.view_ids]]
        )
        search = etree.fromstring(views["views"]["search"]["arch"])
        domain = safe_eval(action.domain or "[]", {"uid": user.id})
        for key in context:
            if key.startswith("search_default_"):
                [node] = search.xpath(f"//filter[@name='{key[15:]}']")
                domain += safe_eval(node.get("domain"), {"uid": user.id})
        self.assertEqual(action.view_ids[0].view_mode, "list")
        list_arch = etree.fromstring(views["views"]["list"]["arch"])
        kanban_arch = etree.fromstring(views["views"]["kanban"]["arch"])
        order = list_arch.get("default_order")
        self.assertEqual(kanban_arch.get("default_order"), order)
        self.assertFalse(kanban_arch.get("default_group_by"), "one column, most urgent first")
        return Ticket.search(domain, order=order)

    def test_my_open_tickets_overdue_first_then_nearest_deadline_paused_last(self):
        self.assertEqual(
            self.env.ref("msp_sla.helpdesk_ticket_action_my_queue").context,
            "{'search_default_mytickets': 1, 'search_default_open': 1}",
        )
        mine = {"user_id": self.agent.id}
        self.create_ticket(local(2030, 1, 7, 11, 0), name="later", **mine)
        self.create_ticket(local(2030, 1, 7, 10, 0), name="sooner", **mine)
        overdue = self.create_ticket(local(2030, 1, 4, 9, 0), name="overdue", **mine)
        paused = self.create_ticket(local(2030, 1, 7, 9, 0), name="paused", **mine)
        self.move(paused, self.stage_waiting, local(2030, 1, 7, 9, 30))
        closed = self.create_ticket(local(2030, 1, 7, 9, 0), name="closed", **mine)
        self.move(closed, self.stage_done, local(2030, 1, 7, 9, 30))
        someone_elses = self.create_ticket(local(2030, 1, 7, 9, 0), name="not mine")
        breach_due(self.env, local(2030, 1, 7, 12, 0))
        self.assertEqual(overdue.msp_sla_status, "breached")
        self.assertFalse(overdue.msp_sla_deadline, "no running clock left with a deadline")

        shown = self.queue(self.agent)
        self.assertEqual(shown.mapped("name"), ["overdue", "sooner", "later", "paused"])
        self.assertNotIn(closed, shown)
        self.assertNotIn(someone_elses, shown)
