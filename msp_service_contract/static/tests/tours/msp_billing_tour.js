/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A manager invoices a service contract and opens the invoice: the recurring fees, the overage
// of the month just settled and its SLA service credit are on it. Then the SLA compliance
// report shows the customer's breach behind that credit.
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";

const CONTRACT = "Business - Dental Care Ltd";
const LINES = ".o_field_widget[name='invoice_line_ids'] .o_data_row";

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
    ],
});
