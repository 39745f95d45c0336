/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A technician works a covered ticket: coverage and SLA deadline shown, public reply (response
// met), waiting for the customer (clock paused), time logged, ticket closed (resolution met).
import { registry } from "@web/core/registry";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";

const TICKET = "Outlook keeps crashing on WS-01";

registry.category("web_tour.tours").add("msp_service_desk_tour", {
    url: "/odoo/helpdesk-tickets",
    steps: () => [
        {
            content: "Open the customer's ticket from the ticket list",
            trigger: `.o_list_view .o_data_row td[name='name']:contains('${TICKET}')`,
            run: "click",
        },
        {
            content: "The ticket is covered by the customer's contract",
            trigger: ".o_form_view .o_field_widget[name='msp_coverage'] .badge:contains('Covered')",
        },
        {
            content: "The hours left on the contract are shown",
            trigger: ".o_form_view .o_field_widget[name='msp_hours_remaining']",
        },
        {
            content: "The SLA clock runs",
            trigger: ".o_form_view .o_field_widget[name='msp_sla_status'] .badge:contains('On Track')",
        },
        {
            content: "The SLA deadline is shown",
            trigger: ".o_form_view .o_field_widget[name='msp_sla_deadline'] span:not(:empty)",
        },
        {
            content: "Reply to the customer",
            trigger: ".o-mail-Chatter-topbar button.o-mail-Chatter-sendMessage",
            run: "click",
        },
        {
            content: "Write the reply",
            trigger: ".o-mail-Composer-input",
            run: "edit We are looking into it: please keep Outlook closed for now.",
        },
        {
            content: "Send the reply",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The reply is in the chatter",
            trigger: ".o-mail-Message-body:contains('please keep Outlook closed')",
        },
        ...screenshot(
            "ticket-sla",
            ".o_form_view:has(.o_field_widget[name='msp_sla_status'] .badge:contains('On Track')) .o-mail-Message-body:contains('please keep Outlook closed')",
            { height: 900 }
        ),
        {
            content: "Wait for the customer: move the ticket to the pause stage",
            trigger: ".o_statusbar_status button.o_arrow_button:contains('Waiting for customer')",
            run: "click",
        },
        {
            content: "The ticket waits for the customer",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Waiting for customer')",
        },
        {
            content: "The SLA clock is paused",
            trigger: ".o_form_view .o_field_widget[name='msp_sla_status'] .badge:contains('Paused')",
        },
        {
            content: "Open the Time tab",
            trigger: ".o_notebook .nav-link[name='msp_time']",
            run: "click",
        },
        {
            content: "Add a line of time",
            trigger: ".o_field_widget[name='msp_timesheet_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Describe the work",
            trigger: ".o_field_widget[name='msp_timesheet_ids'] .o_selected_row [name='name'] input",
            run: "edit Rebuilt the Outlook profile",
        },
        {
            content: "Hours spent",
            trigger:
                ".o_field_widget[name='msp_timesheet_ids'] .o_selected_row [name='unit_amount'] input",
            run: "edit 1:30",
        },
        {
            content: "Save the ticket",
            trigger: ".o_form_view .o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "The time is saved, covered by the contract",
            trigger:
                ".o_form_view .o_field_widget[name='msp_timesheet_ids'] .o_data_row:not(.o_selected_row) .badge:contains('Covered')",
        },
        {
            content: "Close the ticket: the closed stages are in the statusbar's menu",
            trigger: ".o_statusbar_status button.dropdown-toggle.o_first:visible",
            run: "click",
        },
        {
            content: "Done",
            trigger: ".o-dropdown-item:contains('Done')",
            run: "click",
        },
        {
            content: "The ticket is done",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
        {
            content: "Its SLA is met",
            trigger: ".o_form_view .o_field_widget[name='msp_sla_status'] .badge:contains('Met')",
        },
    ],
});
