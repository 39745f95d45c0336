# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from .msp_capacity_run import _priorities

PRIMARY = [("layer", "=", "primary")]


class MspCapacityRun(models.Model):
    """The capacity check reads the on-call schedules (msp_sla): out of the business hours,
    the person on call of each team takes the tickets the schedule pages for."""

    _inherit = "msp.capacity.run"

    def _msp_capacity_oncall(self, setup, end):
        """(shifts, priorities) of the people on call in the simulation: one person for each
        team of the check with an active schedule whose primary rotation has members, on
        call outside the business hours (the template calendar's working time) until
        ``end`` (minutes), taking the tickets at the schedule's paging priority or above."""
        teams = self.team_id or self.env["helpdesk.ticket.team"].search(
            [("company_id", "in", [False, self.company_id.id])]
        )
        # sudo: the check reads the schedules' structure (who rotates, what pages), not who
        # is on call when
        schedules = (
            self.env["msp.oncall.schedule"].sudo().search([("team_id", "in", teams.ids)])
        ).filtered(lambda schedule: schedule.layer_ids.filtered_domain(PRIMARY).member_ids)
        if not schedules:
            return [], ()
        office = sorted(setup["extra_shifts"])
        off_hours, cursor = [], 0.0
        for start, stop in office:
            if start > cursor:
                off_hours.append((cursor, min(start, end)))
            cursor = max(cursor, stop)
            if cursor >= end:
                break
        if cursor < end:
            off_hours.append((cursor, end))
        lowest = min(schedules.mapped("page_priority"))
        priorities = tuple(p for p, _label in _priorities(self) if p >= lowest)
        return [off_hours] * len(schedules), priorities
