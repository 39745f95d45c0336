/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The technician on call, on a phone: the page's link opens the ticket, which says it is paging
// them; one tap on "Acknowledge Page" stops the paging (docs/emergency.md).
import { registry } from "@web/core/registry";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";

const PAGING = ".o_form_view div[name='msp_page_triggered']:visible";

registry.category("web_tour.tours").add("msp_oncall_page_phone_tour", {
    steps: () => [
        {
            content: "The paged ticket says it is paging the person on call",
            trigger: `${PAGING}:contains('Paging the person on call')`,
        },
        ...screenshot("oncall-page-phone", ".o_msp_ticket_page_ack:visible"),
        {
            content: "Acknowledge the page in one tap",
            trigger: ".o_msp_ticket_page_ack:visible",
            run: "click",
        },
        {
            content: "The paging stopped: the ticket's note says who acknowledged",
            trigger: ".o-mail-Message:contains('Page acknowledged by Terry Technician')",
        },
        {
            content: "No more acknowledge button nor paging banner",
            trigger: ".o_form_view:not(:has(.o_msp_ticket_page_ack:visible)):not(:has(div[name='msp_page_triggered']:visible))",
        },
        ...screenshot("oncall-acknowledged-phone", ".o-mail-Message:contains('Page acknowledged')", {
            show: ".o-mail-Message:contains('Page acknowledged')",
        }),
    ],
});
