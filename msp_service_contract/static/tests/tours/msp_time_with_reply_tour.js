/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A technician logs time where the work happens: from the app switcher to the ticket, a reply
// with 30 minutes of after-hours work, then the ticket's timer started and stopped. The tour
// counts its clicks and fails when logging time costs more than 2 clicks over the reply
// (docs/end-to-end.md, "Clicks per task").
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";
import { TICKET } from "@msp_service_contract/../tests/tours/service_desk_steps";

// Clicks to send a reply from the open ticket: "Send message", then "Send".
const REPLY_CLICKS = 2;
const MAX_EXTRA_CLICKS = 2;

registry.category("web_tour.tours").add("msp_time_with_reply_tour", {
    url: "/odoo",
    steps: () => {
        const clicks = { total: 0, onTicket: 0 };
        /** A step that clicks its trigger and counts the click. */
        const count = () => {
            clicks.total++;
            clicks.onTicket++;
        };
        const click = (content, trigger) => ({
            content,
            trigger,
            async run(helpers) {
                count();
                await helpers.click();
            },
        });
        return [
            click("Open the app switcher", stepUtils.showAppsMenuItem().trigger),
            click(
                "Open the Helpdesk app",
                ".o_app[data-menu-xmlid='helpdesk_mgmt.helpdesk_ticket_main_menu']"
            ),
            click(
                "Open the Tickets menu",
                ".o_menu_sections [data-menu-xmlid='helpdesk_mgmt.helpdesk_ticket_menu']"
            ),
            click(
                "My Tickets",
                ".o-dropdown-item[data-menu-xmlid='helpdesk_mgmt.helpdesk_own_ticket_menu']"
            ),
            click(
                "Open the ticket",
                `.o_kanban_record:contains('${TICKET}'), .o_data_row td[name='name']:contains('${TICKET}')`
            ),
            {
                content: "The ticket is open: count the clicks from here",
                trigger: `.o_form_view .o_field_widget[name='name']:contains('${TICKET}'), .o_form_view .o_field_widget[name='name'] input`,
                run() {
                    clicks.toTicket = clicks.total;
                    clicks.onTicket = 0;
                },
            },
            click(
                "Reply to the customer",
                ".o-mail-Chatter-topbar button.o-mail-Chatter-sendMessage"
            ),
            {
                content: "Write the reply",
                trigger: ".o-mail-Composer-input",
                run: "edit Rebuilt the Outlook profile: it opens again.",
            },
            {
                ...click("Time spent: 30 minutes", ".o-mail-Composer .o_msp_time_spent"),
                async run(helpers) {
                    count();
                    await helpers.click();
                    await helpers.edit("30");
                },
            },
            click(
                "Work type: after hours",
                ".o-mail-Composer .o_msp_work_type button[data-work-type='after_hours']"
            ),
            ...screenshot(
                "ticket-time-reply",
                ".o-mail-Composer .o_msp_work_type button.active[data-work-type='after_hours']",
                { height: 900, show: ".o-mail-Composer" }
            ),
            click("Send the reply with its time", ".o-mail-Composer-send:enabled"),
            {
                content: "The reply is in the chatter",
                trigger: ".o-mail-Message-body:contains('Rebuilt the Outlook profile')",
            },
            {
                content: "The time is on the ticket",
                trigger: ".o_notebook .nav-link[name='msp_time']",
                run: "click",
            },
            {
                content: "30 minutes logged, after hours",
                trigger:
                    ".o_field_widget[name='msp_timesheet_ids'] .o_data_row:contains('00:30'):contains('After hours')",
                run() {
                    const extra = clicks.onTicket - REPLY_CLICKS;
                    console.info(
                        `msp-clicks: ${clicks.toTicket} to open the ticket from the app switcher, ` +
                            `${clicks.onTicket} on the ticket (reply ${REPLY_CLICKS} + ${extra})`
                    );
                    if (extra > MAX_EXTRA_CLICKS) {
                        throw new Error(
                            `Logging time with the reply took ${extra} clicks more than the reply`
                        );
                    }
                },
            },
            {
                content: "Start the timer",
                trigger: ".o_form_view .o_statusbar_buttons button[name='action_msp_timer_start']",
                run: "click",
            },
            {
                content: "The timer runs: the Stop button shows the elapsed time",
                trigger:
                    ".o_form_view .o_statusbar_buttons button[name='action_msp_timer_stop'] .o_msp_elapsed_time:contains('0:0')",
            },
            {
                content: "A timer left running can be discarded: the button is next to Stop",
                trigger:
                    ".o_form_view .o_statusbar_buttons button[name='action_msp_timer_stop'] + button[name='action_msp_timer_discard']",
            },
            {
                content: "Stop the timer: its time is logged",
                trigger: ".o_form_view .o_statusbar_buttons button[name='action_msp_timer_stop']",
                run: "click",
            },
            {
                content: "The timer's time is on the ticket",
                trigger:
                    ".o_field_widget[name='msp_timesheet_ids'] .o_data_row:contains('00:15'):contains('Covered by contract')",
            },
            {
                content: "The timer can start again",
                trigger: ".o_form_view .o_statusbar_buttons button[name='action_msp_timer_start']",
            },
            // Wrong time: refused in the browser, or by the server; the note is kept to correct.
            {
                content: "Log a note",
                trigger: ".o-mail-Chatter-topbar button.o-mail-Chatter-logNote",
                run: "click",
            },
            {
                content: "Write the note",
                trigger: ".o-mail-Composer-input",
                run: "edit Checked the add-ins again.",
            },
            {
                content: "A time the composer does not understand",
                trigger: ".o-mail-Composer .o_msp_time_spent",
                run: "edit half an hour",
            },
            {
                content: "Send",
                trigger: ".o-mail-Composer-send:enabled",
                run: "click",
            },
            {
                content: "The composer says how to enter the time",
                trigger: ".o_notification:contains('enter minutes (30) or hours and minutes')",
            },
            {
                content: "More than a day",
                trigger: ".o-mail-Composer .o_msp_time_spent",
                run: "edit 25:00",
            },
            {
                content: "Send",
                trigger: ".o-mail-Composer-send:enabled",
                run: "click",
            },
            {
                content: "The server refuses it",
                trigger: ".modal .modal-body:contains('24')",
            },
            {
                content: "Close the message",
                trigger: ".modal .modal-footer .btn-primary",
                run: "click",
            },
            {
                content: "The note is still there: correct the time",
                trigger: ".o-mail-Composer .o_msp_time_spent",
                run: "edit 15",
            },
            {
                content: "Send again",
                trigger: ".o-mail-Composer-send:enabled",
                run: "click",
            },
            {
                content: "The note is posted once",
                trigger: ".o-mail-Message-body:contains('Checked the add-ins again')",
            },
            {
                content: "Its 15 minutes are on the ticket",
                trigger:
                    ".o_field_widget[name='msp_timesheet_ids'] .o_data_row:contains('Checked the add-ins again'):contains('00:15')",
            },
        ];
    },
});
