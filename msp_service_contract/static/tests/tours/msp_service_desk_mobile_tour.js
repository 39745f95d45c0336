/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The service desk tour at phone size, in the mobile web client: the kanban card shows the SLA
// status and deadline, and the technician replies, pauses, logs time and closes from the phone.
import { registry } from "@web/core/registry";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";
import {
    SLA_MET,
    TICKET,
    logTimeWhilePaused,
    replyToTheCustomer,
    ticketShowsCoverageAndSla,
} from "@msp_service_contract/../tests/tours/service_desk_steps";

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
            trigger: `${CARD} .o_msp_sla_card .o_msp_sla_time_left:contains(' left · ')`,
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
        ...ticketShowsCoverageAndSla(),
        ...replyToTheCustomer(),
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
        ...logTimeWhilePaused(),
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
        SLA_MET,
    ],
});
