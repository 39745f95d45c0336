/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A customer opens their service contract in the portal: the hours left this month, the open
// tickets with their coverage and SLA status, and last month's report, before the prices; a
// real contact instead of OdooBot, no internal product code, no broken image; nothing of others.
import { registry } from "@web/core/registry";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";
import { clickCounts } from "@msp_service_contract/../tests/tours/click_counts";

const CONTRACT = "Business - Dental Care Ltd";
const OPEN_TICKET = "Scanner offline in surgery 2";

registry.category("web_tour.tours").add("msp_portal_contract_tour", {
    url: "/my",
    steps: () => {
        // Clicks per task (docs/end-to-end.md), from the portal's home page: the contract
        // page, its monthly report.
        const counts = clickCounts("msp_portal_contract_tour");
        return [
            counts.start(),
            counts.click(["portal-contract", "portal-report"], {
                content: "Open my contracts",
                trigger: ".o_portal_my_home a[href^='/my/contracts']",
                expectUnloadPage: true,
            }),
            {
                content: "Another customer's contract is not listed",
                trigger: "#wrap:has(a.tr_contract_link):not(:contains('Rival secret contract'))",
            },
            counts.click(["portal-contract", "portal-report"], {
                content: "Open the customer's own service contract",
                trigger: `a.tr_contract_link:contains('${CONTRACT}')`,
                expectUnloadPage: true,
            }),
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
            counts.check("portal-contract", 2, ".o_msp_portal_service .o_msp_hours_balance"),
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
                    // What scrolls sideways is an element wider than the room its scroller has
                    // beside a vertical scrollbar (clientWidth), which can be less than the window
                    // (innerWidth counts the scrollbar).
                    const scrollers = [document.scrollingElement, document.getElementById("wrapwrap")]
                        .filter(Boolean)
                        .filter((element) => getComputedStyle(element).overflowX !== "hidden");
                    const tooWide = scrollers.filter((element) => element.scrollWidth > element.clientWidth);
                    if (!tooWide.length) {
                        return;
                    }
                    const room = Math.min(...tooWide.map((element) => element.clientWidth));
                    const scrollsItself = (element) =>
                        ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(element).overflowX);
                    const culprits = [...document.body.querySelectorAll("*")]
                        .filter((element) => element.getBoundingClientRect().right > room + 0.5)
                        .filter((element) => {
                            for (let parent = element.parentElement; parent; parent = parent.parentElement) {
                                if (tooWide.includes(parent)) {
                                    return true;
                                }
                                if (scrollsItself(parent)) {
                                    return false;
                                }
                            }
                            return true;
                        })
                        .slice(0, 5)
                        .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join(".")}#${element.id} (right ${Math.round(element.getBoundingClientRect().right)})`);
                    throw new Error(
                        `The page scrolls sideways: ${tooWide.map((element) => `${element.id || element.tagName} is ${element.scrollWidth} px wide in ${element.clientWidth} px`).join(", ")}; too wide: ${culprits.join(", ")}`
                    );
                },
            },
            {
                content: "The closed ticket is not in the open tickets",
                trigger: ".o_msp_portal_service:not(:contains('Printer jammed in surgery 1'))",
            },
            counts.click(["portal-report"], {
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
            }),
            {
                content: "The report is the contract's monthly service report",
                trigger: `.o_msp_tour_report:iframe .page:contains('${CONTRACT}') h2:contains('Monthly Service Report')`,
            },
            {
                content: "with last month's ticket and the 3 hours it used",
                trigger:
                    ".o_msp_tour_report:iframe .page:contains('Server backup failed'):contains('3.00')",
            },
            counts.check("portal-report", 3, ".o_msp_tour_report:iframe .page h2:contains('Monthly Service Report')"),
            ...screenshot(
                "monthly-report",
                ".o_msp_tour_report:iframe .page h2:contains('Monthly Service Report')",
                { height: 860 }
            ),
        ];
    },
});

// The customer opens the renewal quotation from the e-mail's link and signs it: the contract
// renews at the quoted prices (msp_service_contract/tests/test_tours.py checks it). Then, from
// the portal's home page, their open ticket's business time left (ticket list, ticket page).
// Desktop only (the phone runs the contract tour).
registry.category("web_tour.tours").add("msp_portal_renewal_and_ticket_tour", {
    steps: () => {
        const counts = clickCounts("msp_portal_renewal_and_ticket_tour");
        return [
            counts.start(),
            {
                content: "The renewal quotation of the contract",
                trigger: "#quote_content:contains('Managed network / month')",
            },
            counts.click(["renewal-signature"], {
                content: "Accept & Sign",
                trigger: ".o_portal_sale_sidebar a:contains('Sign'), .o_portal_sale_sidebar button:contains('Sign')",
            }),
            {
                content: "The signature is the customer's name, typed",
                trigger: ".modal .o_web_sign_name_and_signature input:value(Dental Care Ltd)",
            },
            {
                content: "and drawn",
                trigger: ".modal canvas.o_web_sign_signature",
                run: "canvasNotEmpty",
            },
            counts.click(["renewal-signature"], {
                content: "Accept & Sign",
                trigger: ".modal .o_portal_sign_submit:enabled",
                expectUnloadPage: true,
            }),
            {
                content: "Signed",
                trigger: "#quote_content:contains('Thank You')",
            },
            counts.check("renewal-signature", 2, "#quote_content:contains('Thank You')"),
            {
                content: "To the portal's home page",
                trigger: ".breadcrumb a[href='/my/home'], .breadcrumb a[href='/my']",
                run: "click",
                expectUnloadPage: true,
            },
            counts.click(["deadline-portal-list", "deadline-portal-ticket"], {
                content: "Open my tickets",
                trigger: ".o_portal_my_home a[href^='/my/tickets']",
                expectUnloadPage: true,
            }),
            {
                content: "The open ticket shows its business time left",
                trigger: `tr:contains('${OPEN_TICKET}') .o_msp_sla_cell .o_msp_sla_time_left:contains(' left · ')`,
            },
            counts.check("deadline-portal-list", 1, ".o_msp_sla_cell .o_msp_sla_time_left"),
            counts.click(["deadline-portal-ticket"], {
                content: "Open the ticket",
                trigger: `a[href^='/my/ticket/']:contains('${OPEN_TICKET}')`,
                expectUnloadPage: true,
            }),
            {
                content: "The ticket shows its service level and business time left",
                trigger: ".o_msp_sla_portal:contains('On Track') .o_msp_sla_time_left:contains(' left · ')",
            },
            counts.check("deadline-portal-ticket", 2, ".o_msp_sla_portal .o_msp_sla_time_left"),
        ];
    },
});
