# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


def check_same_customer(records, link, customer, target_customer="partner_id"):
    """Refuse the records whose ``link`` (many2one or many2many) points to a record of another
    customer than
    theirs: a customer's record would show the other customer's record (its name, at least)
    to the customer's portal user, whatever the record rules say. ``customer`` and
    ``target_customer`` are the paths to the partner of the record and of the target; their
    commercial entities must be the same. For @api.constrains."""
    # sudo: compares the customers of records the user links, whatever the user may read
    for record in records.sudo():
        target = record[link]
        if not target:
            continue
        own = record.mapped(customer).commercial_partner_id
        if target.mapped(target_customer).commercial_partner_id != own:
            env = records.env
            raise ValidationError(
                env._(
                    "%(field)s of %(record)s must be one of its customer's (%(customer)s): "
                    "%(target)s is not. Choose one of %(customer)s's, or change the customer.",
                    field=record._fields[link]._description_string(env),
                    record=record.display_name,
                    customer=own.display_name or env._("none"),
                    target=", ".join(
                        t.display_name
                        for t in target
                        if t.mapped(target_customer).commercial_partner_id != own
                    ),
                )
            )


class MspCustomerMixin(models.AbstractModel):
    """A record of one customer: its company and the customer's commercial entity.

    Whatever contact is given, the record belongs to the contact's commercial entity (the
    company), so counts, matching and access rules work on one partner per customer.
    """

    _name = "msp.customer.mixin"
    _description = "Record of a customer (commercial entity)"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
        help="The customer's commercial entity.",
    )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and self.partner_id != self.partner_id.commercial_partner_id:
            self.partner_id = self.partner_id.commercial_partner_id

    @api.model_create_multi
    def create(self, vals_list):
        if "default_partner_id" not in self.env.context and any(
            "partner_id" not in vals for vals in vals_list
        ):
            self._refuse_no_customer()
        self._set_commercial_partner(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._set_commercial_partner([vals])
        return super().write(vals)

    @api.model
    def _refuse_no_customer(self):
        raise ValidationError(
            self.env._(
                "%(record)s: Customer (partner_id) is required: give the id of the customer.",
                record=self._description,
            )
        )

    @api.model
    def _set_commercial_partner(self, vals_list):
        if any("partner_id" in vals and not vals["partner_id"] for vals in vals_list):
            self._refuse_no_customer()
        given = [vals["partner_id"] for vals in vals_list if vals.get("partner_id")]
        if not given:
            return
        if not all(
            isinstance(pid, int) and not isinstance(pid, bool) and 0 < pid < 2**31 for pid in given
        ):
            raise ValidationError(
                self.env._("Customer (partner_id) must be the id of a contact, a whole number.")
            )
        partner_ids = set(given)
        partners = self.env["res.partner"].browse(partner_ids).exists()
        if len(partners) != len(partner_ids):
            raise ValidationError(
                self.env._(
                    "Customer (partner_id) %(ids)s does not exist.",
                    ids=", ".join(str(pid) for pid in sorted(partner_ids - set(partners.ids))),
                )
            )
        commercial = {p.id: p.commercial_partner_id.id for p in partners}
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = commercial[vals["partner_id"]]
