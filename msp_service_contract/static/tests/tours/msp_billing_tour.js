/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A manager invoices a service contract and opens the invoice: the recurring fees, the overage
// of the month just settled and its SLA service credit are on it. Then the SLA compliance
// report shows the customer's breach behind that credit. Then the renewals due: one renewed
// now after the price preview (3 clicks from the contract list), one not renewed, with a reason.
// Last, the customer services that renew next month (Vendors > Renewals Next Month).
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";
import { managerSeesNextMonthsRenewals } from "@msp_service_contract/../tests/tours/msp_vendor_tours";

const CONTRACT = "Business - Dental Care Ltd";
const LINES = ".o_field_widget[name='invoice_line_ids'] .o_data_row";
const RENEWED = "Business - Harbour Optics";
const DECLINED = "Business - Closing Clinic";

registry.category("web_tour.tours").add("msp_billing_tour", {
    url: "/odoo/action-msp_service_contract.msp_service_contract_action",
    steps: () => [
        {
            content: "Open the customer's service contract",
            trigger: `.o_list_view .o_data_row td[name='name']:contains('${CONTRACT}')`,
            run: "click",
        },
        {
            content: "It is on the Business plan",
            trigger: ".o_form_view .o_field_widget[name='msp_plan_id'] input:value('Business')",
        },
        {
            content: "One invoice was made already",
            trigger: ".o_form_view button[name='action_show_invoices'] .o_stat_value:contains('1')",
        },
        {
            content: "Run the invoicing of the contract",
            trigger: ".o_form_view .o_form_statusbar button[name='recurring_create_invoice']",
            run: "click",
        },
        {
            content: "The new invoice is counted; open the invoices",
            trigger: ".o_form_view button[name='action_show_invoices']:has(.o_stat_value:contains('2'))",
            run: "click",
        },
        {
            content: "Open the new (draft) invoice",
            trigger:
                ".o_list_view .o_data_row:has(td[name='status_in_payment']:contains('Draft')) td[name='invoice_partner_display_name']",
            run: "click",
        },
        {
            content: "The flat monthly fee",
            trigger: `.o_form_view ${LINES}:contains('Managed network / month')`,
        },
        {
            content: "The per-workstation fee",
            trigger: `.o_form_view ${LINES}:contains('Managed workstation / month')`,
        },
        {
            content: "The per-user fee",
            trigger: `.o_form_view ${LINES}:contains('Managed user / month')`,
        },
        {
            content: "The overage of last month: 1 hour beyond the 10 included",
            trigger: `.o_form_view ${LINES}:contains('Overage'):contains('1.00 h beyond the included hours')`,
        },
        {
            content: "The SLA service credit of last month: one breach",
            trigger: `.o_form_view ${LINES}:contains('SLA service credit'):contains('1 breach(es)')`,
        },
        {
            content: "Untaxed: 600 of fees + 100 of overage - 30 of credit",
            trigger: ".o_form_view .o_field_widget[name='tax_totals']:contains('670.00')",
        },
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the SLA app",
            trigger: ".o_app[data-menu-xmlid='msp_sla.msp_sla_menu_root']",
            run: "click",
        },
        {
            content: "Open its reporting",
            trigger: ".o_menu_sections [data-menu-xmlid='msp_sla.msp_sla_menu_reporting']",
            run: "click",
        },
        {
            content: "Open the SLA compliance report",
            trigger: ".dropdown-item[data-menu-xmlid='msp_sla.msp_sla_menu_report_compliance']",
            run: "click",
        },
        {
            content: "It opens on every target kind (no First Response filter), by customer",
            trigger: ".o_pivot:not(.o_view_sample_data) tbody tr:contains('Dental Care Ltd')",
        },
        {
            content: "Look at this customer only",
            trigger: "input.o_searchview_input",
            run: "edit Dental Care Ltd",
        },
        {
            content: "Search the customer",
            trigger: ".o_searchview_autocomplete .o-dropdown-item:contains('Customer')",
            run: "click",
        },
        ...screenshot(
            "sla-compliance",
            ".o_pivot:not(.o_view_sample_data):not(:contains('Deco Addict')) tbody tr:contains('First Response')",
            { height: 560 }
        ),
        stepUtils.showAppsMenuItem(),
        {
            content: "Back to the service contracts",
            trigger: ".o_app[data-menu-xmlid='msp_service_contract.msp_service_contract_menu_root']",
            run: "click",
        },
        {
            content: "Open the contracts",
            trigger:
                ".o_menu_sections [data-menu-xmlid='msp_service_contract.msp_service_contract_menu_contracts']",
            run: "click",
        },
        {
            content: "Click 1: open a contract in its notice period",
            trigger: `.o_list_view .o_data_row td[name='name']:contains('${RENEWED}')`,
            run: "click",
        },
        {
            content: "Click 2: Renew Now",
            trigger: ".o_form_view .o_form_statusbar button[name='action_msp_renew_now']",
            run: "click",
        },
        {
            content: "The preview: the flat fee from 500.00 to 515.00 (3% yearly increase)",
            trigger:
                ".modal .o_field_widget[name='line_ids'] .o_data_row:contains('Managed network / month'):contains('500.00'):contains('515.00')",
        },
        {
            content: "The per-user fee from 20.00 to 20.60",
            trigger:
                ".modal .o_field_widget[name='line_ids'] .o_data_row:contains('Managed user / month'):contains('20.60')",
        },
        {
            content: "Click 3: Renew",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "Renewed: the renewal buttons are gone until the next notice period",
            trigger:
                ".o_form_view .o_form_statusbar:not(:has(button[name='action_msp_renew_now'])):has(button[name='recurring_create_invoice'])",
        },
        {
            content: "The chatter says until when",
            trigger: ".o-mail-Message:contains('Renewed until')",
        },
        {
            content: "Back to the contracts",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Open the customer who leaves",
            trigger: `.o_list_view .o_data_row td[name='name']:contains('${DECLINED}')`,
            run: "click",
        },
        {
            content: "Do Not Renew",
            trigger: ".o_form_view .o_form_statusbar button[name='action_msp_do_not_renew']",
            run: "click",
        },
        {
            content: "A common reason...",
            trigger: ".modal .o_field_widget[name='reason_kind'] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "...taking IT in-house",
            trigger: ".o_select_menu_menu .o_select_menu_item:contains('Taking IT in-house')",
            run: "click",
        },
        {
            content: "And what the customer said",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Hired their own IT person in January",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The reason is in the chatter",
            trigger: ".o-mail-Message:contains('Hired their own IT person in January')",
        },
        {
            content: "And on the contract",
            trigger: ".o_form_view .o_field_widget[name='msp_no_renewal_reason']:contains('Hired their own IT person')",
        },
        ...managerSeesNextMonthsRenewals(),
    ],
});
