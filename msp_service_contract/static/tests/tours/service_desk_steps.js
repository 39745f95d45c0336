/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The technician's work on the open ticket form, the same on a desktop and on a phone (only the
// way to the ticket and the stage changes differ: see the two service desk tours).

export const TICKET = "Outlook keeps crashing on WS-01";

/** The ticket shows its coverage, the hours left, and its running SLA with a deadline. */
export function ticketShowsCoverageAndSla() {
    return [
        {
            content: "The ticket is covered by the customer's contract",
            trigger: ".o_form_view .o_field_widget[name='msp_coverage'] .badge:contains('Covered')",
        },
        {
            content: "The hours left on the contract are shown, under their one label",
            trigger: ".o_form_view:has(label.o_form_label:contains('Hours left this month')) .o_field_widget[name='msp_hours_remaining']",
        },
        {
            content: "and explained: included, rolled over, prepaid, used",
            trigger: ".o_form_view .o_field_widget[name='msp_hours_summary']:contains('included'):contains('used')",
        },
        {
            content: "The SLA clock runs",
            trigger: ".o_form_view .o_field_widget[name='msp_sla_status'] .badge:contains('On Track')",
        },
        {
            content: "The SLA deadline is shown",
            trigger: ".o_form_view .o_field_widget[name='msp_sla_time_left'] span:contains(' left · ')",
        },
    ];
}

/** A public reply to the customer, which meets the response target. */
export function replyToTheCustomer() {
    return [
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
    ];
}

/** While the clock is paused: 1.5 hours logged from the Time tab, covered by the contract. */
export function logTimeWhilePaused() {
    return [
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
    ];
}

/** After closing: the resolution target is met. */
export const SLA_MET = {
    content: "Its SLA is met",
    trigger: ".o_form_view .o_field_widget[name='msp_sla_status'] .badge:contains('Met')",
};
