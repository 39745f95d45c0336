# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.msp_it_audit.models.msp_customer_mixin import check_same_customer
from odoo.exceptions import ValidationError

VENDOR_KINDS = [
    ("isp", "Internet Service Provider"),
    ("telephony", "Telephony"),
    ("hosting", "Web / Cloud Host"),
    ("registrar", "Domain Registrar"),
    ("software", "Software Publisher"),
    ("hardware", "Hardware"),
    ("other", "Other"),
]
COST_PERIODS = [("month", "per month"), ("quarter", "per quarter"), ("year", "per year")]
MANAGER = "msp_service_contract.msp_service_contract_group_manager"
TECHNICIAN = "msp_service_contract.msp_service_contract_group_user"
URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)


class ResPartner(models.Model):
    _inherit = "res.partner"

    msp_vendor_kind = fields.Selection(
        VENDOR_KINDS,
        string="Vendor Kind",
        index="btree_not_null",
        help="Set on the companies that provide services to the MSP's customers (carriers, "
        "hosts, registrars, publishers): they can then be chosen on vendor accounts.",
    )


class MspVendorAccount(models.Model):
    """One customer's account with one vendor: who provides what, how to reach them, what
    the MSP may do on the customer's behalf, and when the service renews.

    Never holds a secret: ``credentials_location`` says where the credentials are kept (an
    external vault's reference)."""

    _name = "msp.vendor.account"
    _description = "Vendor Account"
    _inherit = ["msp.customer.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "partner_id, vendor_id, id"
    # found by the vendor's name and the numbers support asks for, as well as the service
    _rec_names_search = ["name", "vendor_id.name", "account_number", "circuit_ref", "tenant_ref"]

    name = fields.Char(
        string="Service",
        required=True,
        tracking=True,
        help="What the vendor provides, e.g. 'Fibre 500/500 Mbit/s' or 'Microsoft 365 "
        "Business Premium'.",
    )
    active = fields.Boolean(default=True, tracking=True)
    vendor_id = fields.Many2one(
        "res.partner",
        string="Vendor",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('msp_vendor_kind', '!=', False)]",
    )
    vendor_kind = fields.Selection(related="vendor_id.msp_vendor_kind", store=True)
    # the vendor's name for the customer's portal, whose users read no other company's contact
    vendor_name = fields.Char(related="vendor_id.name", string="Vendor Name")
    account_number = fields.Char(tracking=True, help="The customer's account number at the vendor.")
    # The service's own numbers: what the vendor's support asks for.
    circuit_ref = fields.Char(string="Circuit ID", tracking=True)
    phone_numbers = fields.Char(
        help="The numbers or number ranges the service carries, e.g. '+44 20 7946 0000-0099'."
    )
    tenant_ref = fields.Char(string="Tenant ID", help="Cloud tenant, e.g. a Microsoft 365 tenant.")
    domain_names = fields.Char(string="Domains", help="Domain names, separated by commas.")
    other_refs = fields.Char(
        string="Other Numbers", help="Contract, licence or subscription numbers."
    )
    # How to reach the vendor
    support_phone = fields.Char()
    support_email = fields.Char()
    support_url = fields.Char(string="Support Portal")
    support_hours = fields.Char(help="When the vendor's support answers, e.g. '24/7'.")
    escalation_phone = fields.Char(
        tracking=True, help="The number to call when the normal support line does not help."
    )
    escalation_contact_ids = fields.Many2many(
        "res.partner",
        "msp_vendor_account_escalation_rel",
        "account_id",
        "partner_id",
        string="Escalation Contacts",
        check_company=True,
        help="Named people at the vendor (account manager, escalation desk).",
    )
    # The MSP's authority to act for the customer
    loa_file = fields.Binary(
        string="Letter of Authorisation",
        attachment=True,
        groups=TECHNICIAN,
        help="The customer's signed letter that lets the MSP deal with the vendor on its behalf.",
    )
    loa_filename = fields.Char(groups=TECHNICIAN)
    loa_expiry_date = fields.Date(
        string="Authorisation Expires",
        tracking=True,
        help="After this date the vendor may refuse to deal with the MSP: have it signed again.",
    )
    asset_ids = fields.Many2many(
        "msp.asset",
        "msp_vendor_account_asset_rel",
        "account_id",
        "asset_id",
        string="Assets Served",
        check_company=True,
        domain="[('partner_id', '=', partner_id)]",
    )
    # Term
    date_start = fields.Date(string="Term Start", tracking=True)
    date_end = fields.Date(string="Term End", tracking=True)
    renewal_date = fields.Date(
        tracking=True, help="When the service renews (or ends) unless notice is given."
    )
    notice_days = fields.Integer(
        string="Notice Period (days)", help="How long before the renewal notice must be given."
    )
    notice_date = fields.Date(
        string="Give Notice By",
        compute="_compute_notice_date",
        store=True,
        help="The last day to give notice: the renewal date (else the term end) minus the "
        "notice period.",
    )
    # Money and secrets: managers only, never shown in the portal
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost = fields.Monetary(groups=MANAGER, tracking=True, help="What the vendor charges.")
    cost_period = fields.Selection(COST_PERIODS, default="month", groups=MANAGER)
    credentials_location = fields.Char(
        groups=TECHNICIAN,
        help="Where the credentials of this account are kept: a reference in the MSP's "
        "password vault (e.g. 'Vault: Customers/Dental Care/BT portal'). Never the password "
        "itself.",
    )
    notes = fields.Html(groups=TECHNICIAN)
    case_ids = fields.One2many(
        "msp.vendor.case", "vendor_account_id", string="Vendor Cases", groups=TECHNICIAN
    )
    case_count = fields.Integer(compute="_compute_case_count", groups=TECHNICIAN)

    @api.depends("renewal_date", "date_end", "notice_days")
    def _compute_notice_date(self):
        for account in self:
            due = account.renewal_date or account.date_end
            account.notice_date = due and due - relativedelta(days=account.notice_days or 0)

    @api.depends("vendor_id", "name", "partner_id")
    def _compute_display_name(self):
        for account in self:
            account.display_name = " · ".join(
                filter(None, [account.vendor_id.name, account.name, account.partner_id.name])
            )

    def _compute_case_count(self):
        counts = dict(
            self.env["msp.vendor.case"]._read_group(
                [("vendor_account_id", "in", self.ids)], ["vendor_account_id"], ["__count"]
            )
        )
        for account in self:
            account.case_count = counts.get(account, 0)

    @api.constrains("date_start", "date_end", "renewal_date")
    def _check_dates(self):
        for account in self:
            start, end = account.date_start, account.date_end
            if start and end and end < start:
                raise ValidationError(
                    self.env._(
                        "Vendor account %(account)s: the term end (%(end)s) is before the term "
                        "start (%(start)s). Correct one of the two dates.",
                        account=account.display_name,
                        end=end,
                        start=start,
                    )
                )
            if start and account.renewal_date and account.renewal_date < start:
                raise ValidationError(
                    self.env._(
                        "Vendor account %(account)s: the renewal date (%(renewal)s) is before "
                        "the term start (%(start)s). Correct one of the two dates.",
                        account=account.display_name,
                        renewal=account.renewal_date,
                        start=start,
                    )
                )

    @api.constrains("notice_days", "cost")
    def _check_positive_numbers(self):
        for account in self:
            if account.notice_days < 0:
                raise ValidationError(
                    self.env._(
                        "Vendor account %(account)s: the notice period is a number of days; "
                        "give 0 or more (got %(days)s).",
                        account=account.display_name,
                        days=account.notice_days,
                    )
                )
            # sudo: the check runs for whoever writes; only managers can write the cost
            if account.sudo().cost < 0:
                raise ValidationError(
                    self.env._(
                        "Vendor account %(account)s: the cost cannot be negative; give 0 or more.",
                        account=account.display_name,
                    )
                )

    @api.constrains("vendor_id", "partner_id")
    def _check_vendor(self):
        for account in self:
            if not account.vendor_id.msp_vendor_kind:
                raise ValidationError(
                    self.env._(
                        "Vendor account %(account)s: %(vendor)s has no vendor kind. Set its "
                        "Vendor Kind (ISP, telephony, ...) on the contact first.",
                        account=account.display_name,
                        vendor=account.vendor_id.display_name,
                    )
                )
            if account.vendor_id.commercial_partner_id == account.partner_id:
                raise ValidationError(
                    self.env._(
                        "Vendor account %(account)s: the vendor and the customer are the same "
                        "company. Choose the customer's supplier as the vendor.",
                        account=account.display_name,
                    )
                )

    @api.constrains("support_url")
    def _check_support_url(self):
        for account in self:
            if account.support_url and not URL_RE.match(account.support_url):
                raise ValidationError(
                    self.env._(
                        "Vendor account %(account)s: the support portal must be a web address "
                        "starting with https:// (got %(url)s).",
                        account=account.display_name,
                        url=account.support_url,
                    )
                )

    @api.constrains("asset_ids", "partner_id")
    def _check_assets_of_the_customer(self):
        check_same_customer(self, "asset_ids", "partner_id")

    def action_view_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "msp_service_contract.msp_vendor_case_action"
        )
        action["domain"] = [("vendor_account_id", "=", self.id)]
        action["context"] = {"default_vendor_account_id": self.id}
        return action

    def _msp_portal_renewals(self, today, months=3):
        """Those of these accounts that renew or end in the next ``months`` months, the
        soonest first: what the customer's portal lists as upcoming renewals."""
        horizon = today + relativedelta(months=months)
        return self.filtered(
            lambda a: (
                (a.renewal_date or a.date_end)
                and today <= (a.renewal_date or a.date_end) <= horizon
            )
        ).sorted(lambda a: a.renewal_date or a.date_end)
