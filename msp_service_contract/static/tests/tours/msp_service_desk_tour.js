/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A technician works a covered ticket: coverage and SLA deadline shown, public reply (response
// met), waiting for the customer (clock paused), time logged, ticket closed (resolution met).
import { registry } from "@web/core/registry";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";
import {
    SLA_MET,
    TICKET,
    logTimeWhilePaused,
    replyToTheCustomer,
    ticketShowsCoverageAndSla,
} from "@msp_service_contract/../tests/tours/service_desk_steps";

registry.category("web_tour.tours").add("msp_service_desk_tour", {
    url: "/odoo/helpdesk-tickets",
    steps: () => [
        {
            content: "Open the customer's ticket from the ticket list",
            trigger: `.o_list_view .o_data_row td[name='name']:contains('${TICKET}')`,
            run: "click",
        },
        ...ticketShowsCoverageAndSla(),
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
    ],
});
