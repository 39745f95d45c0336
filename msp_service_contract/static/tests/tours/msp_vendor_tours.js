/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The vendor register at work. A technician, on a ticket where the customer's fibre line is
// down, opens a case with the carrier from the ticket and has the carrier's escalation number
// at hand (a tel: link: one tap on a phone), then puts the ticket on hold for the carrier. A
// manager sees the customer services that renew next month (at the end of the billing tour).
import { registry } from "@web/core/registry";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";

// Odoo's phone field links the number without its spaces.
const ESCALATION = "+442079460123";
const CASES = ".o_field_widget[name='msp_vendor_case_ids']";

registry.category("web_tour.tours").add("msp_vendor_case_tour", {
    steps: () => [
        {
            content: "The ticket: no internet at the practice",
            trigger: ".o_breadcrumb:contains('No internet at the practice')",
        },
        {
            content: "Open the ticket's vendor cases",
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Vendor Cases')",
            run: "click",
        },
        {
            content: "Open a case with a vendor",
            trigger: `.o_form_view ${CASES} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            // a click lists the customer's accounts; typing would leave a delayed search that
            // reopens the list with the chosen account's name ("No records")
            content: "Open the customer's vendor accounts",
            trigger: ".modal .o_field_widget[name='vendor_account_id'] input",
            run: "click",
        },
        {
            content: "The carrier's account of this customer",
            trigger: ".o-autocomplete--dropdown-item:contains('Fibre 500/500')",
            run: "click",
        },
        {
            content: "The account is chosen: the circuit ID to quote is shown",
            trigger: "body:not(:has(.o-autocomplete--dropdown-menu)) .modal .o_field_widget[name='circuit_ref']:contains('LF-ETH-0048213')",
        },
        {
            content: "Type the carrier's fault number",
            trigger: ".modal .o_field_widget[name='vendor_ref'] input",
            run: "edit LF-FLT-7781203",
        },
        {
            content: "Leave the field (closes any suggestion list left open)",
            trigger: ".modal .modal-title",
            run: "click",
        },
        {
            content: "The fault number is kept",
            trigger: "body:not(:has(.o-autocomplete--dropdown-menu)) .modal .o_field_widget[name='vendor_ref'] input:value('LF-FLT-7781203')",
        },
        {
            content: "Call the carrier's escalation desk: the number is a tel: link",
            trigger: `.modal .o_field_widget[name='escalation_phone'] a[href='tel:${ESCALATION}']`,
        },
        ...screenshot(
            "vendor-case",
            `.modal .o_field_widget[name='escalation_phone'] a[href='tel:${ESCALATION}']`
        ),
        {
            content: "Keep the case",
            trigger: ".modal .modal-footer .o_form_button_save",
            run: "click",
        },
        {
            content: "The case is on the ticket, with the escalation number",
            trigger: `.o_form_view:not(:has(.modal)) ${CASES} .o_data_row:contains('LF-FLT-7781203') a[href='tel:${ESCALATION}']`,
        },
        {
            content: "Save the ticket",
            trigger: ".o_form_view .o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "Put the ticket on hold for the carrier",
            trigger: `.o_form_view .o_form_saved ${CASES} .o_data_row:contains('LF-FLT-7781203') button[name='action_wait_on_vendor']`,
            run: "click",
        },
        {
            content: "The case waits on the vendor",
            trigger: `.o_form_view ${CASES} .o_data_row:contains('LF-FLT-7781203') .o_field_widget[name='state']:contains('Waiting on Vendor')`,
        },
        {
            content: "The ticket is in the 'Waiting on vendor' stage",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Waiting on vendor')",
        },
    ],
});

/** A manager opens Service Contracts > Vendors > Renewals Next Month (from the main menu of
 * Service Contracts): the customer services that renew next month, with their cost. */
export function managerSeesNextMonthsRenewals() {
    return [
        {
            content: "Open the Vendors menu",
            trigger: ".o_menu_sections [data-menu-xmlid='msp_service_contract.msp_service_contract_menu_vendors']",
            run: "click",
        },
        {
            content: "Renewals Next Month",
            trigger: ".dropdown-item[data-menu-xmlid='msp_service_contract.msp_service_contract_menu_vendor_renewals']",
            run: "click",
        },
        {
            content: "The fibre line renews next month",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('Fibre 500/500')",
        },
        {
            content: "The filter is on",
            trigger: ".o_searchview .o_facet_value:contains('Renewing Next Month')",
        },
        {
            content: "The domain renewing in three months is not in the list",
            trigger: ".o_list_view:not(:contains('Domain dentalcare.example')) .o_data_row td[name='notice_date']",
        },
        ...screenshot("vendor-renewals", ".o_list_view .o_data_row td[name='cost']"),
    ];
}
