/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A customer opens their service contract in the portal: the hours left this month, the open
// tickets with their coverage and SLA status, and the monthly reports; nothing of others.
import { registry } from "@web/core/registry";

const CONTRACT = "Business - Dental Care Ltd";

registry.category("web_tour.tours").add("msp_portal_contract_tour", {
    url: "/my/contracts",
    steps: () => [
        {
            content: "Another customer's contract is not listed",
            trigger: "#wrap:not(:contains('Rival secret contract'))",
        },
        {
            content: "Open the customer's own service contract",
            trigger: `a.tr_contract_link:contains('${CONTRACT}')`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The contract's service plan",
            trigger: ".o_msp_portal_service h4:contains('Service: Business')",
        },
        {
            content: "The hours left this month: 10 included, 2 used",
            trigger:
                ".o_msp_portal_service:contains('Hours left this month') .o_msp_hours_balance:contains('8.00')",
        },
        {
            content: "The open ticket, covered by the contract",
            trigger:
                ".o_msp_portal_service tr:contains('Scanner offline in surgery 2'):contains('Covered')",
        },
        {
            content: "The open ticket's SLA status",
            trigger: ".o_msp_portal_service tr:contains('Scanner offline in surgery 2'):contains('On Track')",
        },
        {
            content: "The closed ticket is not in the open tickets",
            trigger: ".o_msp_portal_service:not(:contains('Printer jammed in surgery 1'))",
        },
        {
            content: "Last month's service report is offered",
            trigger: ".o_msp_portal_service a.o_msp_monthly_report[href*='/report/']",
        },
    ],
});
