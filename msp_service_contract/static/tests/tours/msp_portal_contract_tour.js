/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A customer opens their service contract in the portal: the hours left this month, the open
// tickets with their coverage and SLA status, and last month's report, before the prices; a
// real contact instead of OdooBot, no internal product code, no broken image; nothing of others.
import { registry } from "@web/core/registry";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";

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
            content: "The breadcrumbs lead to the contract, not to a ticket",
            trigger: `.breadcrumb:contains('${CONTRACT}'):not(:contains('Scanner offline'))`,
        },
        {
            content: "Every image on the page loaded (no 404)",
            trigger: ".o_msp_portal_service",
            async run() {
                const images = [...document.querySelectorAll("img")];
                await Promise.all(
                    images.map((image) => {
                        image.loading = "eager";
                        return image.complete
                            ? null
                            : new Promise((resolve) => {
                                  image.addEventListener("load", resolve);
                                  image.addEventListener("error", resolve);
                              });
                    })
                );
                const broken = images
                    .filter((image) => !image.naturalWidth)
                    .map((image) => image.getAttribute("src").slice(0, 80));
                if (broken.length) {
                    throw new Error(`Images that did not load: ${broken.join(", ")}`);
                }
            },
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
            content: "The service comes first: hours, service level and tickets above the prices",
            trigger: ".o_msp_portal_service .o_msp_portal_sla:contains('On track')",
            run() {
                const service = document.querySelector(".o_msp_portal_service");
                for (const selector of ["#general_information", "#item_details"]) {
                    const later = document.querySelector(selector);
                    if (!(service.compareDocumentPosition(later) & Node.DOCUMENT_POSITION_FOLLOWING)) {
                        throw new Error(`${selector} comes before the service`);
                    }
                }
            },
        },
        {
            content: "The contact to call is a person of the MSP, not OdooBot",
            trigger:
                "#general_information .o_msp_portal_responsible:contains('Your contact'):not(:contains('OdooBot'))",
        },
        {
            content: "Nowhere on the contract does OdooBot appear",
            trigger: "#wrap:not(:has(#general_information:contains('OdooBot'))):not(:has(.o_msp_portal_service:contains('OdooBot')))",
        },
        {
            content: "The prices name the services, without internal product codes",
            trigger:
                "#item_details .o_msp_line_name:contains('Managed network / month'):not(:contains('MSP-NET'))",
        },
        {
            content: "No internal product code anywhere on the page",
            trigger: "#wrap:not(:contains('[MSP-NET]'))",
        },
        ...screenshot(
            "portal-contract",
            ".o_msp_portal_service tr:contains('Scanner offline in surgery 2'):contains('On Track')",
            { height: 1000, show: ".o_msp_portal_service" }
        ),
        {
            content: "The page fits the screen's width: wide tables scroll by themselves",
            trigger: ".o_msp_portal_service",
            run() {
                const widest = Math.max(
                    ...[document.documentElement, document.body, document.getElementById("wrapwrap")]
                        .filter(Boolean)
                        .map((element) => element.scrollWidth)
                );
                if (widest > window.innerWidth) {
                    throw new Error(`The page is ${widest} px wide on a ${window.innerWidth} px screen`);
                }
            },
        },
        {
            content: "The closed ticket is not in the open tickets",
            trigger: ".o_msp_portal_service:not(:contains('Printer jammed in surgery 1'))",
        },
        {
            content: "Open last month's service report",
            trigger: ".o_msp_portal_service a.o_msp_monthly_report[href*='/report/']",
            async run() {
                // A PDF outside tests, which headless Chromium cannot show: Odoo renders the
                // report's HTML in tests. Show that page over the portal, to check and picture it.
                const report = document.createElement("iframe");
                report.className = "o_msp_tour_report";
                report.style.cssText =
                    "position: fixed; inset: 0; width: 100%; height: 100%; border: 0; background: white; z-index: 2000;";
                const loaded = new Promise((resolve) => report.addEventListener("load", resolve));
                report.src = document.querySelector(
                    ".o_msp_portal_service a.o_msp_monthly_report"
                ).href;
                document.body.append(report);
                await loaded;
            },
        },
        {
            content: "The report is the contract's monthly service report",
            trigger: `.o_msp_tour_report:iframe .page:contains('${CONTRACT}') h2:contains('Monthly Service Report')`,
        },
        {
            content: "with last month's ticket and the 3 hours it used",
            trigger:
                ".o_msp_tour_report:iframe .page:contains('Server backup failed'):contains('3.00')",
        },
        ...screenshot(
            "monthly-report",
            ".o_msp_tour_report:iframe .page h2:contains('Monthly Service Report')",
            { height: 860 }
        ),
    ],
});
