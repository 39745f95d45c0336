/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The service desk tour at phone size, in the mobile web client: the kanban card shows the SLA
// status and deadline, and the technician replies, pauses, logs time and closes from the phone.
import { registry } from "@web/core/registry";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";

const TICKET = "Outlook keeps crashing on WS-01";
const CARD = `.o_kanban_record:contains('${TICKET}')`;

registry.category("web_tour.tours").add("msp_service_desk_mobile_tour", {
    url: "/odoo/helpdesk-tickets",
    steps: () => [
        {
            content: "The phone shows the tickets as cards",
            trigger: ".o_kanban_view",
        },
        {
            content: "The ticket's card shows its SLA status",
            trigger: `${CARD} .o_msp_sla_card .badge:contains('On Track')`,
        },
        {
            content: "The ticket's card shows its SLA deadline",
            trigger: `${CARD} .o_msp_sla_card .o_field_widget[name='msp_sla_deadline'] :not(:empty)`,
        },
        {
            content: "The ticket's card shows its coverage",
            trigger: `${CARD} .o_field_widget[name='msp_coverage'] .badge:contains('Covered')`,
        },
        ...screenshot(
            "ticket-kanban-phone",
            `${CARD} .o_field_widget[name='msp_coverage'] .badge:contains('Covered')`
        ),
        {
            content: "Open the ticket",
            trigger: CARD,
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
        {
            content: "Wait for the customer: move the ticket to the pause stage",
            trigger: ".o_statusbar_status button.dropdown-toggle:visible",
            run: "click",
        },
        {
            content: "Waiting for customer",
            trigger: ".o-dropdown-item:contains('Waiting for customer')",
            run: "click",
        },
        {
            content: "The ticket waits for the customer",
            trigger: ".o_statusbar_status button.dropdown-toggle:visible:contains('Waiting for customer')",
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
            content: "Close the ticket: the stages are in the statusbar's menu on a phone",
            trigger: ".o_statusbar_status button.dropdown-toggle:visible",
            run: "click",
        },
        {
            content: "Done",
            trigger: ".o-dropdown-item:contains('Done')",
            run: "click",
        },
        {
            content: "The ticket is done",
            trigger: ".o_statusbar_status button.dropdown-toggle:visible:contains('Done')",
        },
        {
            content: "Its SLA is met",
            trigger: ".o_form_view .o_field_widget[name='msp_sla_status'] .badge:contains('Met')",
        },
    ],
});
