/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A technician opens Helpdesk on their own queue, most urgent SLA deadline first (2 clicks from
// the app switcher to see the most urgent ticket, a third opens it), then works that covered
// ticket: coverage and SLA deadline shown, public reply (response met), waiting for the
// customer (clock paused), time logged, ticket closed (resolution met).
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";
import { clickCounts } from "@msp_service_contract/../tests/tours/click_counts";
import {
    SLA_MET,
    TICKET,
    logTimeWhilePaused,
    replyToTheCustomer,
    ticketShowsCoverageAndSla,
} from "@msp_service_contract/../tests/tours/service_desk_steps";

registry.category("web_tour.tours").add("msp_service_desk_tour", {
    url: "/odoo",
    steps: () => {
        // Clicks per task (docs/end-to-end.md), from the app switcher: the business time left
        // on the list, the kanban and the form; the customer's hours left on the ticket.
        const counts = clickCounts("msp_service_desk_tour");
        const toQueue = ["deadline-list", "deadline-kanban", "deadline-form", "hours-ticket"];
        return [
            counts.start(),
            counts.click(toQueue, stepUtils.showAppsMenuItem()),
            counts.click(toQueue, {
                content: "Open the Helpdesk app",
                trigger: ".o_app[data-menu-xmlid='helpdesk_mgmt.helpdesk_ticket_main_menu']",
            }),
            {
                content: "It opens on my open tickets, the nearest SLA deadline first",
                trigger: ".o_control_panel .o_breadcrumb:contains('My Queue')",
            },
            {
                content: "My most urgent ticket is first, with its business time left",
                trigger: `.o_list_view .o_data_row:first-child:has(td[name='name']:contains('${TICKET}')) td[name='msp_sla_time_left']:contains(' left · ')`,
            },
            counts.check("deadline-list", 2, ".o_list_view td[name='msp_sla_time_left']:contains(' left · ')"),
            {
                content: "Then the next deadline",
                trigger: ".o_list_view .o_data_row:nth-child(2) td[name='name']:contains('Printer offline')",
            },
            {
                content: "Then my ticket without an SLA deadline; nobody else's ticket",
                trigger: ".o_list_view:not(:contains('Not Terry')) .o_data_row:nth-child(3):last-child td[name='name']:contains('New laptop')",
            },
            counts.click(["deadline-kanban"], {
                content: "The same queue as cards",
                trigger: ".o_control_panel .o_switch_view.o_kanban",
            }),
            {
                content: "The ticket's card shows its business time left",
                trigger: `.o_kanban_record:contains('${TICKET}') .o_msp_sla_time_left:contains(' left · ')`,
            },
            counts.check("deadline-kanban", 3, `.o_kanban_record:contains('${TICKET}') .o_msp_sla_time_left`),
            {
                content: "Back to the list",
                trigger: ".o_control_panel .o_switch_view.o_list",
                run: "click",
            },
            counts.click(["deadline-form", "hours-ticket"], {
                content: "Open the most urgent ticket (third click)",
                trigger: `.o_list_view .o_data_row:first-child td[name='name']:contains('${TICKET}')`,
            }),
            ...ticketShowsCoverageAndSla(),
            counts.check("deadline-form", 3, ".o_form_view .o_field_widget[name='msp_sla_time_left']"),
            counts.check("hours-ticket", 3, ".o_form_view .o_field_widget[name='msp_hours_remaining']"),
            ...replyToTheCustomer(),
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
            ...logTimeWhilePaused(),
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
            SLA_MET,
        ];
    },
});
