# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class MspSlaHolidayWizard(models.TransientModel):
    _name = "msp.sla.holiday.wizard"
    _description = "Load Public Holidays into Business Hours"

    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Business Hours",
        required=True,
        ondelete="cascade",
        default=lambda self: (
            self.env.context.get("active_model") == "resource.calendar"
            and self.env.context.get("active_id")
        ),
    )
    region_code = fields.Char(
        string="Country or Region",
        required=True,
        default=lambda self: self.env.company.country_id.code,
        help="ISO 3166 code of a country (BE, FR, US) or of a country and one of its regions "
        "(US-CA, DE-BY). A region gets its country's holidays and its own.",
    )
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)
    preview = fields.Text(compute="_compute_preview", string="Public Holidays")

    @api.depends("region_code", "year", "calendar_id")
    def _compute_preview(self):
        for wizard in self:
            wizard.preview = False
            if not (wizard.region_code and wizard.year and 1900 <= wizard.year <= 2200):
                continue
            try:
                days = wizard.calendar_id._msp_sla_public_holidays(wizard.region_code, wizard.year)
            except UserError:
                continue  # the Load button explains a bad code
            wizard.preview = "\n".join(f"{day.isoformat()}  {name}" for day, name in days.items())

    def action_load(self):
        self.ensure_one()
        created, updated = self.calendar_id._msp_sla_load_public_holidays(
            self.region_code, [self.year]
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Public holidays loaded"),
                "message": self.env._(
                    "%(code)s %(year)s into %(calendar)s: %(created)s added, %(updated)s "
                    "renamed, the others were already there.",
                    code=self.region_code.strip().upper(),
                    year=self.year,
                    calendar=self.calendar_id.display_name,
                    created=len(created),
                    updated=len(updated),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
