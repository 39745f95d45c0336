# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class MspAuditScheduleWizard(models.TransientModel):
    _name = "msp.audit.schedule.wizard"
    _inherit = ["msp.it.audit.input.limits"]
    _description = "Schedule the IT audit of an opportunity"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade")
    auditor_id = fields.Many2one(
        "res.users",
        string="Auditor",
        required=True,
        compute="_compute_auditor_id",
        store=True,
        readonly=False,
        precompute=True,
        domain=lambda self: self._auditor_domain(),
        help="By default the auditor of the opportunity's last audit, else the only auditor, "
        "else you if you are an auditor.",
    )
    date_planned = fields.Datetime(
        string="Planned on", required=True, default=lambda self: self._default_date_planned()
    )
    template_id = fields.Many2one(
        "msp.audit.template",
        string="Checklist",
        default=lambda self: self.env["msp.audit.template"].search([], limit=1),
    )
    note = fields.Text()

    @api.model
    def _auditor_domain(self):
        return [
            ("all_group_ids", "in", self.env.ref("msp_it_audit.msp_it_audit_group_user").id),
            ("share", "=", False),
        ]

    @api.depends("lead_id")
    def _compute_auditor_id(self):
        auditors = self.env["res.users"].search(self._auditor_domain(), limit=2)
        is_auditor = self.env.user.has_group("msp_it_audit.msp_it_audit_group_user")
        for wizard in self:
            if wizard.auditor_id:
                wizard.auditor_id = wizard.auditor_id  # a compute assigns every record
                continue
            # sudo: the salesperson may read the opportunity's audits; only the auditor of the
            # last one is taken, and only while that user is still an auditor
            last = (
                self.env["msp.audit"].sudo().search([("lead_id", "=", wizard.lead_id.id)], limit=1)
                if wizard.lead_id.id
                else self.env["msp.audit"]
            ).user_id.sudo(False)
            if last and last.active and last.has_group("msp_it_audit.msp_it_audit_group_user"):
                wizard.auditor_id = last
            elif len(auditors) == 1:
                wizard.auditor_id = auditors
            else:
                wizard.auditor_id = self.env.user if is_auditor else False

    @api.model
    def _default_date_planned(self):
        return datetime.combine(fields.Date.today() + timedelta(days=7), time(8, 0))

    def action_schedule(self):
        """Create the audit of the opportunity's customer and the auditor's activity."""
        self.ensure_one()
        lead = self.lead_id
        # only someone who may change the opportunity schedules its audit
        lead.check_access("write")
        if not lead.partner_id:
            if not (lead.partner_name or lead.contact_name):
                raise UserError(
                    self.env._(
                        "Set the customer of opportunity '%(lead)s' before scheduling its IT "
                        "audit.",
                        lead=lead.name,
                    )
                )
            lead._handle_partner_assignment(create_missing=True)
        if not self.auditor_id.has_group("msp_it_audit.msp_it_audit_group_user"):
            raise UserError(self.env._("%(user)s is not an auditor.", user=self.auditor_id.name))
        # sudo: salespeople may only read audits; the audit is created from the opportunity
        # they may write, with values checked above, and they can read it afterwards
        audit = (
            self.env["msp.audit"]
            .sudo()
            .create(
                {
                    "lead_id": lead.id,
                    "partner_id": lead.partner_id.commercial_partner_id.id,
                    "company_id": (lead.company_id or self.env.company).id,
                    "user_id": self.auditor_id.id,
                    "date_planned": self.date_planned,
                    "template_id": self.template_id.id,
                }
            )
        )
        audit.action_schedule()
        if self.note:
            audit.message_post(body=self.note)
        lead.message_post(
            body=self.env._("IT audit %(audit)s scheduled.", audit=audit._get_html_link())
        )
        audit = audit.sudo(False)
        if not audit.has_access("read"):
            return {"type": "ir.actions.act_window_close"}
        return {
            "type": "ir.actions.act_window",
            "res_model": "msp.audit",
            "res_id": audit.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
