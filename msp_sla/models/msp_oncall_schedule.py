# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""On-call schedules of helpdesk teams: who is paged, now or at any time.

A schedule has layers (primary, secondary). A layer rotates through its members in order,
handing over every day or every week at a set wall-clock time in the schedule's time zone,
from a start date. Hand-overs are counted in local wall-clock days, so a hand-over at 09:00
stays at 09:00 local time across daylight-saving changes (the UTC instant moves by an hour).
Overrides replace the scheduled person of a layer from one instant to another (swaps,
holidays); the newest override wins where two overlap.
"""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import format_datetime

LAYERS = [("primary", "Primary"), ("secondary", "Secondary")]
ROTATIONS = [("daily", "Daily"), ("weekly", "Weekly")]
ROTATION_DAYS = {"daily": 1, "weekly": 7}


def to_local(dt, tz):
    """A naive UTC datetime (as Odoo stores them) as a naive wall-clock time in ``tz``."""
    return pytz.utc.localize(dt).astimezone(tz).replace(tzinfo=None)


def to_utc(local_dt, tz):
    """A naive wall-clock time in ``tz`` as a naive UTC datetime. A time skipped by a
    spring-forward change is read as if the clock had not moved yet; a repeated autumn time
    as its first occurrence (pytz's is_dst=True)."""
    return tz.localize(local_dt, is_dst=True).astimezone(pytz.utc).replace(tzinfo=None)


class MspOncallSchedule(models.Model):
    _name = "msp.oncall.schedule"
    _description = "On-Call Schedule"
    _inherit = ["mail.thread"]
    _order = "team_id, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Team",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(related="team_id.company_id", store=True, index=True)
    tz = fields.Selection(
        _tz_get,
        string="Time Zone",
        required=True,
        default=lambda self: self.env.user.tz or "UTC",
        tracking=True,
        help="Hand-over times are wall-clock times in this time zone, also across "
        "daylight-saving changes.",
    )
    layer_ids = fields.One2many("msp.oncall.layer", "schedule_id", string="Rotations", copy=True)
    override_ids = fields.One2many("msp.oncall.override", "schedule_id", string="Overrides")
    escalation_ids = fields.One2many(
        "msp.oncall.escalation", "schedule_id", string="Escalation Steps", copy=True
    )
    page_priority = fields.Selection(
        [("3", "Very High (P1)"), ("2", "High (P2) and above")],
        string="Page On",
        required=True,
        default="3",
        help="A new ticket of the team at this priority (or higher) starts paging the person "
        "on call.",
    )
    current_primary_id = fields.Many2one(
        "res.users", string="Primary On Call", compute="_compute_current"
    )
    current_secondary_id = fields.Many2one(
        "res.users", string="Secondary On Call", compute="_compute_current"
    )
    next_handover_primary = fields.Datetime(
        string="Next Primary Hand-over", compute="_compute_current"
    )
    next_handover_secondary = fields.Datetime(
        string="Next Secondary Hand-over", compute="_compute_current"
    )
    handover_summary = fields.Text(string="Next Hand-overs", compute="_compute_current")

    _one_per_team = models.UniqueIndex(
        "(team_id) WHERE active", "A team has one active on-call schedule: archive the other one."
    )

    @api.depends_context("uid")
    def _compute_current(self):
        now = fields.Datetime.now()
        for schedule in self:
            schedule.current_primary_id = schedule._msp_oncall_at(now, "primary")
            schedule.current_secondary_id = schedule._msp_oncall_at(now, "secondary")
            schedule.next_handover_primary = schedule._msp_next_handover(now, "primary")
            schedule.next_handover_secondary = schedule._msp_next_handover(now, "secondary")
            schedule.handover_summary = "\n".join(schedule._msp_handover_lines(now, count=4))

    # ------------------------------------------------------------------
    # Who is on call
    # ------------------------------------------------------------------

    def _msp_tz(self):
        self.ensure_one()
        return pytz.timezone(self.tz or "UTC")

    def _msp_oncall_at(self, at, layer="primary"):
        """The user on call for ``layer`` at ``at`` (naive UTC): the newest override covering
        that instant, else the layer's rotation. An empty recordset when nobody is."""
        self.ensure_one()
        override = self.override_ids.filtered(
            lambda o: o.layer == layer and o.date_from <= at < o.date_to
        ).sorted("id", reverse=True)[:1]
        if override:
            return override.user_id
        rotation = self.layer_ids.filtered(lambda r: r.layer == layer)[:1]
        return rotation._msp_member_at(at) if rotation else self.env["res.users"]

    def _msp_next_handover(self, at, layer="primary"):
        """The next instant after ``at`` (naive UTC) at which the layer's rotation hands over,
        or False when the layer has none."""
        self.ensure_one()
        rotation = self.layer_ids.filtered(lambda r: r.layer == layer)[:1]
        return rotation._msp_next_handover(at) if rotation else False

    def _msp_handover_lines(self, at, count=4):
        """'Mon 30 Mar 09:00: primary Ann -> Bob' for the next ``count`` hand-overs."""
        self.ensure_one()
        layers = dict(LAYERS)
        lines = []
        for rotation in self.layer_ids:
            moment = at
            for _i in range(count):
                moment = rotation._msp_next_handover(moment)
                if not moment:
                    break
                when = format_datetime(self.env, moment, tz=self.tz, dt_format="EEE d MMM HH:mm")
                layer = layers[rotation.layer].lower()
                who = rotation._msp_member_at(moment).name or "-"
                lines.append((moment, f"{when}: {layer} {who}"))
        return [text for _moment, text in sorted(lines)[:count]]

    def msp_oncall_now(self, at=None):
        """Who is on call on each schedule, now or at ``at`` ("YYYY-MM-DD HH:MM:SS", UTC).

        Public, for other systems (docs/api.md): returns a list of
        {schedule_id, team_id, at, primary: {id, name} or false, secondary: ..., next_handover:
        {primary, secondary}} with times in UTC."""
        try:
            moment = fields.Datetime.to_datetime(at) if at else fields.Datetime.now()
        except (TypeError, ValueError):
            moment = None
        if moment is None:
            raise ValidationError(
                self.env._(
                    'at must be a UTC date and time as text, "YYYY-MM-DD HH:MM:SS"; got %r.',
                    at,
                )
            )
        result = []
        for schedule in self:
            row = {
                "schedule_id": schedule.id,
                "team_id": schedule.team_id.id,
                "at": fields.Datetime.to_string(moment),
                "next_handover": {},
            }
            for layer, _label in LAYERS:
                user = schedule._msp_oncall_at(moment, layer)
                row[layer] = {"id": user.id, "name": user.name} if user else False
                handover = schedule._msp_next_handover(moment, layer)
                row["next_handover"][layer] = fields.Datetime.to_string(handover) or False
            result.append(row)
        return result

    @api.model
    def _msp_for_teams(self, teams):
        """{team id: its active schedule} for these teams, in one query."""
        schedules = self.search(Domain("team_id", "in", teams.ids))
        return {schedule.team_id.id: schedule for schedule in schedules}


class MspOncallLayer(models.Model):
    """A rotation of one layer of a schedule."""

    _name = "msp.oncall.layer"
    _description = "On-Call Rotation"
    _order = "schedule_id, layer, id"

    schedule_id = fields.Many2one(
        "msp.oncall.schedule", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="schedule_id.company_id", store=True)
    layer = fields.Selection(LAYERS, required=True, default="primary")
    rotation = fields.Selection(ROTATIONS, required=True, default="weekly")
    handover_time = fields.Float(
        string="Hand-over At",
        required=True,
        default=9.0,
        help="Wall-clock time of the hand-over in the schedule's time zone (9:00 stays 9:00 "
        "across daylight-saving changes).",
    )
    start_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="The first member is on call from this day's hand-over time; weekly hand-overs "
        "fall on this day of the week.",
    )
    member_ids = fields.One2many(
        "msp.oncall.member", "layer_id", string="Members (in order)", copy=True
    )

    _one_rotation_per_layer = models.UniqueIndex(
        "(schedule_id, layer)", "A schedule has one rotation per layer (primary, secondary)."
    )
    _handover_time_valid = models.Constraint(
        "CHECK(handover_time >= 0 AND handover_time < 24)",
        "Hand-over At must be a time of day between 00:00 and 23:59.",
    )

    @api.depends("schedule_id", "layer")
    def _compute_display_name(self):
        layers = dict(LAYERS)
        for rotation in self:
            rotation.display_name = f"{rotation.schedule_id.name}: {layers.get(rotation.layer)}"

    def _msp_anchor(self):
        """The first hand-over, as a naive wall-clock time in the schedule's time zone."""
        hours, minutes = divmod(round(self.handover_time * 60), 60)
        return datetime.combine(self.start_date, time(int(hours), int(minutes)))

    def _msp_period_index(self, at):
        """Which rotation period holds ``at`` (naive UTC): 0 for the first one, negative
        before the start. Counted in wall-clock time, so daylight-saving changes move no
        hand-over."""
        self.ensure_one()
        local = to_local(at, self.schedule_id._msp_tz())
        days = ROTATION_DAYS[self.rotation]
        return (local - self._msp_anchor()) // timedelta(days=days)

    def _msp_member_at(self, at):
        self.ensure_one()
        members = self.member_ids.sorted(lambda m: (m.sequence, m.id)).user_id
        index = self._msp_period_index(at)
        if not members or index < 0:
            return self.env["res.users"]
        return members[index % len(members)]

    def _msp_next_handover(self, at):
        """The first hand-over strictly after ``at`` (naive UTC)."""
        self.ensure_one()
        index = max(self._msp_period_index(at) + 1, 0)
        local = self._msp_anchor() + timedelta(days=ROTATION_DAYS[self.rotation] * index)
        return to_utc(local, self.schedule_id._msp_tz())


class MspOncallMember(models.Model):
    _name = "msp.oncall.member"
    _description = "On-Call Rotation Member"
    _order = "layer_id, sequence, id"

    layer_id = fields.Many2one("msp.oncall.layer", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="layer_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    user_id = fields.Many2one(
        "res.users", string="Technician", required=True, domain=[("share", "=", False)]
    )


class MspOncallOverride(models.Model):
    """Someone else takes a layer's shift for a while (a swap, a holiday)."""

    _name = "msp.oncall.override"
    _description = "On-Call Override"
    _order = "date_from desc, id desc"

    schedule_id = fields.Many2one(
        "msp.oncall.schedule", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="schedule_id.company_id", store=True)
    layer = fields.Selection(LAYERS, required=True, default="primary")
    user_id = fields.Many2one(
        "res.users", string="On Call Instead", required=True, domain=[("share", "=", False)]
    )
    date_from = fields.Datetime(string="From", required=True)
    date_to = fields.Datetime(string="To", required=True)
    reason = fields.Char()

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for override in self:
            if override.date_to <= override.date_from:
                raise ValidationError(
                    self.env._(
                        "Override of %(user)s: To (%(to)s) must be after From (%(start)s).",
                        user=override.user_id.name,
                        to=override.date_to,
                        start=override.date_from,
                    )
                )
