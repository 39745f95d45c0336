# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.msp_sla_clock import CLOCK_STATES
from ..models.msp_sla_target import TARGET_KINDS, priority_selection

# Measures computed as percentiles of the minutes to reach the target. Pivot and graph
# aggregate them per cell with PostgreSQL's percentile_cont, so every cell shows the true
# median / 90th percentile of its clocks (not an average of averages).
PERCENTILES = {"median_minutes": 0.5, "p90_minutes": 0.9}


def format_minutes(minutes):
    """Business minutes as 'Hh MMm' for a reader (None stays a dash)."""
    if minutes is None or minutes is False:
        return "-"
    hours, rest = divmod(round(minutes), 60)
    return f"{hours}h {rest:02d}m" if hours else f"{rest}m"


class MspSlaReport(models.Model):
    """Compliance analysis: one row per SLA clock (cancelled ones left out)."""

    _name = "msp.sla.report"
    _description = "SLA Compliance Analysis"
    _auto = False
    # Flushed before the view is read, so pending clock changes are counted.
    _depends = {
        "msp.sla.clock": [
            "ticket_id",
            "company_id",
            "policy_id",
            "priority",
            "kind",
            "state",
            "start_at",
            "reached_at",
            "consumed_minutes",
        ],
        "helpdesk.ticket": ["commercial_partner_id", "partner_id", "team_id"],
    }
    _order = "start_at desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    policy_id = fields.Many2one("msp.sla.policy", string="Policy", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", string="Team", readonly=True)
    priority = fields.Selection(priority_selection, readonly=True)
    kind = fields.Selection(TARGET_KINDS, string="Target", readonly=True)
    state = fields.Selection(CLOCK_STATES, readonly=True)
    start_at = fields.Datetime(string="Started", readonly=True)
    target_count = fields.Integer(string="Targets", readonly=True, aggregator="sum")
    met_count = fields.Integer(string="Met", readonly=True, aggregator="sum")
    breach_count = fields.Integer(string="Breaches", readonly=True, aggregator="sum")
    met_rate = fields.Float(
        string="Met (%)",
        readonly=True,
        aggregator="avg",
        help="Share of finished targets (met or breached) that were met.",
    )
    minutes_to_reach = fields.Float(string="Avg. Business Minutes", readonly=True, aggregator="avg")
    median_minutes = fields.Float(string="Median Minutes", readonly=True, aggregator="avg")
    p90_minutes = fields.Float(string="90th Percentile Minutes", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT c.id AS id,
                       c.ticket_id,
                       c.company_id,
                       COALESCE(t.commercial_partner_id, t.partner_id) AS partner_id,
                       c.policy_id,
                       t.team_id,
                       c.priority,
                       c.kind,
                       c.state,
                       c.start_at,
                       1 AS target_count,
                       CASE WHEN c.state = 'met' THEN 1 ELSE 0 END AS met_count,
                       CASE WHEN c.state = 'breached' THEN 1 ELSE 0 END AS breach_count,
                       CASE c.state WHEN 'met' THEN 100.0 WHEN 'breached' THEN 0.0 END
                           AS met_rate,
                       CASE WHEN c.reached_at IS NOT NULL THEN c.consumed_minutes END
                           AS minutes_to_reach,
                       CASE WHEN c.reached_at IS NOT NULL THEN c.consumed_minutes END
                           AS median_minutes,
                       CASE WHEN c.reached_at IS NOT NULL THEN c.consumed_minutes END
                           AS p90_minutes
                  FROM msp_sla_clock c
                  JOIN helpdesk_ticket t ON t.id = c.ticket_id
                 WHERE c.state != 'cancelled'
            )""",
                SQL.identifier(self._table),
            )
        )

    def _read_group_select(self, aggregate_spec, query):
        fname, _sep, _func = aggregate_spec.partition(":")
        if fname in PERCENTILES:
            return SQL(
                "percentile_cont(%s) WITHIN GROUP (ORDER BY %s)",
                PERCENTILES[fname],
                self._field_to_sql(self._table, fname, query),
            )
        return super()._read_group_select(aggregate_spec, query)

    def _msp_sla_summary(self, domain, groupby=()):
        """Compliance figures for ``domain``, grouped: a list of dicts with the group values
        and targets, met, breaches, met_rate, median and p90 minutes."""
        aggregates = [
            "target_count:sum",
            "met_count:sum",
            "breach_count:sum",
            "met_rate:avg",
            "median_minutes:avg",
            "p90_minutes:avg",
        ]
        rows = []
        for row in self._read_group(domain, list(groupby), aggregates):
            values = dict(zip(groupby, row[: len(groupby)], strict=True))
            targets, met, breaches, rate, median, p90 = row[len(groupby) :]
            values.update(
                targets=targets, met=met, breaches=breaches, met_rate=rate, median=median, p90=p90
            )
            rows.append(values)
        return rows

    def _msp_sla_label_rows(self, rows):
        """Add printable labels to _msp_sla_summary rows: target kind and priority names,
        met share, median and 90th percentile as hours and minutes."""
        kinds = dict(TARGET_KINDS)
        priorities = dict(priority_selection(self))
        for row in rows:
            if "kind" in row:
                row["kind_label"] = kinds.get(row["kind"])
            if "priority" in row:
                row["priority_label"] = priorities.get(row["priority"])
            row["met_rate_label"] = "-" if row["met_rate"] is None else f"{row['met_rate']:.1f} %"
            row["median_label"] = format_minutes(row["median"])
            row["p90_label"] = format_minutes(row["p90"])
        return rows
