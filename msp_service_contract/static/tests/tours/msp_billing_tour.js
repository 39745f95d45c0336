/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A manager invoices a service contract and opens the invoice: the recurring fees, the overage
// of the month just settled and its SLA service credit are on it. Then the SLA compliance
// report shows the customer's breach behind that credit. Then the renewals due: one renewed
// now after the price preview (3 clicks from the contract list), one not renewed, with a reason.
// The renewal quotation of a third is sent, for the customer to sign in the portal
// (msp_renewal_signature_tour). On the way: the public holidays loaded into the business hours,
// the customer's hours on their contact and on the contract list. Last, the customer services
// that renew next month (Vendors > Renewals Next Month). Clicks per task: docs/end-to-end.md.
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";
import { clickCounts } from "@msp_service_contract/../tests/tours/click_counts";
import { managerSeesNextMonthsRenewals } from "@msp_service_contract/../tests/tours/msp_vendor_tours";

const CONTRACT = "Business - Dental Care Ltd";
const LINES = ".o_field_widget[name='invoice_line_ids'] .o_data_row";
const RENEWED = "Business - Harbour Optics";
const DECLINED = "Business - Closing Clinic";
const QUOTED = "Business - Seaside Surgery";
const CALENDAR = "Service desk hours";
const BACK_TO_CONTRACTS = {
    content: "Back to the contracts",
    trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb .breadcrumb-item a",
    run: "click",
};

/** From the contract list: open `contract`, then its header's `button` (2 clicks of `task`). */
function contractAction(counts, task, contract, button) {
    return [
        counts.click([task], {
            content: `Open ${contract}`,
            trigger: `.o_list_view .o_data_row td[name='name']:contains('${contract}')`,
        }),
        counts.click([task], {
            content: `Its ${button}`,
            trigger: `.o_form_view .o_form_statusbar button[name='${button}']`,
        }),
    ];
}

registry.category("web_tour.tours").add("msp_billing_tour", {
    url: "/odoo/action-msp_service_contract.msp_service_contract_action",
    steps: () => {
        const counts = clickCounts("msp_billing_tour");
        return [
            counts.start(),
            {
                content: "Open the customer's service contract",
                trigger: `.o_list_view .o_data_row td[name='name']:contains('${CONTRACT}')`,
                run: "click",
            },
            {
                content: "It is on the Business plan",
                trigger: ".o_form_view .o_field_widget[name='msp_plan_id'] input:value('Business')",
            },
            {
                content: "One invoice was made already",
                trigger: ".o_form_view button[name='action_show_invoices'] .o_stat_value:contains('1')",
            },
            {
                content: "Run the invoicing of the contract",
                trigger: ".o_form_view .o_form_statusbar button[name='recurring_create_invoice']",
                run: "click",
            },
            {
                content: "The new invoice is counted; open the invoices",
                trigger: ".o_form_view button[name='action_show_invoices']:has(.o_stat_value:contains('2'))",
                run: "click",
            },
            {
                content: "Open the new (draft) invoice",
                trigger:
                    ".o_list_view .o_data_row:has(td[name='status_in_payment']:contains('Draft')) td[name='invoice_partner_display_name']",
                run: "click",
            },
            {
                content: "The flat monthly fee",
                trigger: `.o_form_view ${LINES}:contains('Managed network / month')`,
            },
            {
                content: "The per-workstation fee",
                trigger: `.o_form_view ${LINES}:contains('Managed workstation / month')`,
            },
            {
                content: "The per-user fee",
                trigger: `.o_form_view ${LINES}:contains('Managed user / month')`,
            },
            {
                content: "The overage of last month: 1 hour beyond the 10 included",
                trigger: `.o_form_view ${LINES}:contains('Overage'):contains('1.00 h beyond the included hours')`,
            },
            {
                content: "The SLA service credit of last month: one breach",
                trigger: `.o_form_view ${LINES}:contains('SLA service credit'):contains('1 breach(es)')`,
            },
            {
                content: "Untaxed: 600 of fees + 100 of overage - 30 of credit",
                trigger: ".o_form_view .o_field_widget[name='tax_totals']:contains('670.00')",
            },
            // The way to the SLA app is also the way to its configuration (public holidays below)
            ...counts.menu(["sla-compliance", "holidays"], ["msp_sla.msp_sla_menu_root"]),
            ...counts.menu(
                ["sla-compliance"],
                [null, "msp_sla.msp_sla_menu_reporting", "msp_sla.msp_sla_menu_report_compliance"],
                { fromApps: false }
            ),
            {
                content: "It opens on every target kind (no First Response filter), by customer",
                trigger: ".o_pivot:not(.o_view_sample_data) tbody tr:contains('Dental Care Ltd')",
            },
            counts.check("sla-compliance", 4, ".o_pivot:not(.o_view_sample_data) tbody tr:contains('Dental Care Ltd')"),
            {
                content: "Look at this customer only",
                trigger: "input.o_searchview_input",
                run: "edit Dental Care Ltd",
            },
            {
                content: "Search the customer",
                trigger: ".o_searchview_autocomplete .o-dropdown-item:contains('Customer')",
                run: "click",
            },
            ...screenshot(
                "sla-compliance",
                ".o_pivot:not(.o_view_sample_data):not(:contains('Deco Addict')) tbody tr:contains('First Response')",
                { height: 560 }
            ),
            // The public holidays of Belgium, this year, into the service desk's business hours
            ...counts.menu(
                ["holidays"],
                [null, "msp_sla.msp_sla_menu_config", "msp_sla.msp_sla_menu_config_holidays"],
                { fromApps: false }
            ),
            {
                content: "Into the service desk's business hours",
                trigger: ".modal .o_field_widget[name='calendar_id'] input",
                run: `edit ${CALENDAR}`,
            },
            counts.click(["holidays"], {
                content: "Pick them",
                trigger: `.o-autocomplete--dropdown-item .dropdown-item:contains('${CALENDAR}')`,
            }),
            {
                content: "Belgium",
                trigger: ".modal .o_field_widget[name='region_code'] input",
                run: "edit BE",
            },
            {
                content: "The preview lists the year's holidays, New Year's Day first",
                trigger: ".modal .o_field_widget[name='preview']:contains('-01-01')",
            },
            counts.click(["holidays"], {
                content: "Load them",
                trigger: ".modal button[name='action_load']",
            }),
            {
                content: "Loaded",
                trigger: `.o_notification:contains('Public holidays loaded'):contains('${CALENDAR}')`,
            },
            counts.check("holidays", 6, "body:not(:has(.modal)) .o_notification:contains('Public holidays loaded')"),
            // The customer's hours left, on their contact
            ...counts.menu(["hours-customer"], ["contacts.menu_contacts"]),
            {
                content: "Look for the customer",
                trigger: ".o_control_panel:has(.o_breadcrumb:contains('Contacts')) input.o_searchview_input",
                run: "edit Dental Care Ltd",
            },
            counts.click(["hours-customer"], {
                content: "Search their name",
                trigger: ".o_searchview_autocomplete .o-dropdown-item:eq(0)",
            }),
            counts.click(["hours-customer"], {
                content: "Open the customer",
                trigger: ".o_list_view .o_data_row:first-child td.o_data_cell:contains('Dental Care Ltd')",
            }),
            {
                content: "The customer's hours left this month, on their contact",
                trigger:
                    ".o_form_view button[name='action_msp_view_service_hours']:contains('Hours left this month') .o_field_widget[name='msp_hours_left']",
            },
            counts.check("hours-customer", 4, ".o_form_view button[name='action_msp_view_service_hours']"),
            // The hours left on the contract list
            ...counts.menu(
                ["hours-contract-list"],
                [
                    "msp_service_contract.msp_service_contract_menu_root",
                    "msp_service_contract.msp_service_contract_menu_contracts",
                ]
            ),
            {
                content: "The list shows each contract's hours left this month, under the one label",
                trigger: `.o_list_view:has(th[data-name='msp_hours_balance']:contains('Hours left this month')) .o_data_row:contains('${CONTRACT}') td[name='msp_hours_balance']:contains(':')`,
            },
            counts.check("hours-contract-list", 3, ".o_list_view td[name='msp_hours_balance']"),
            // Clicks 1 and 2: a contract in its notice period, Renew Now
            ...contractAction(counts, "renew-now", RENEWED, "action_msp_renew_now"),
            {
                content: "The preview: the flat fee from 500.00 to 515.00 (3% yearly increase)",
                trigger:
                    ".modal .o_field_widget[name='line_ids'] .o_data_row:contains('Managed network / month'):contains('500.00'):contains('515.00')",
            },
            {
                content: "The per-user fee from 20.00 to 20.60",
                trigger:
                    ".modal .o_field_widget[name='line_ids'] .o_data_row:contains('Managed user / month'):contains('20.60')",
            },
            counts.click(["renew-now"], {
                content: "Click 3: Renew",
                trigger: ".modal button[name='action_confirm']",
            }),
            {
                content: "Renewed: the renewal buttons are gone until the next notice period",
                trigger:
                    ".o_form_view .o_form_statusbar:not(:has(button[name='action_msp_renew_now'])):has(button[name='recurring_create_invoice'])",
            },
            counts.check("renew-now", 3, ".o_form_view .o_form_statusbar:not(:has(button[name='action_msp_renew_now']))"),
            {
                content: "The chatter says until when",
                trigger: ".o-mail-Message:contains('Renewed until')",
            },
            BACK_TO_CONTRACTS,
            // The customer who leaves: Do Not Renew
            ...contractAction(counts, "do-not-renew", DECLINED, "action_msp_do_not_renew"),
            counts.click(["do-not-renew"], {
                content: "A common reason...",
                trigger: ".modal .o_field_widget[name='reason_kind'] .o_select_menu_toggler",
            }),
            counts.click(["do-not-renew"], {
                content: "...taking IT in-house",
                trigger: ".o_select_menu_menu .o_select_menu_item:contains('Taking IT in-house')",
            }),
            {
                content: "And what the customer said",
                trigger: ".modal .o_field_widget[name='reason'] textarea",
                run: "edit Hired their own IT person in January",
            },
            counts.click(["do-not-renew"], {
                content: "Confirm",
                trigger: ".modal button[name='action_confirm']",
            }),
            {
                content: "The reason is in the chatter",
                trigger: ".o-mail-Message:contains('Hired their own IT person in January')",
            },
            {
                content: "And on the contract",
                trigger: ".o_form_view .o_field_widget[name='msp_no_renewal_reason']:contains('Hired their own IT person')",
            },
            counts.check("do-not-renew", 5, ".o_form_view .o_field_widget[name='msp_no_renewal_reason']"),
            // A renewal quotation for the customer to sign in the portal
            BACK_TO_CONTRACTS,
            ...contractAction(
                counts,
                "renewal-quotation",
                QUOTED,
                "action_msp_send_renewal_quotation"
            ),
            {
                content: "The e-mail goes to the customer",
                trigger: ".modal .o_field_widget[name='partner_ids']:contains('Seaside Surgery')",
            },
            counts.click(["renewal-quotation"], {
                content: "Send",
                trigger: ".modal button[name='action_send_mail']",
            }),
            {
                content: "Sent: back on the contract",
                trigger: `body:not(:has(.modal)) .o_form_view .o_breadcrumb:contains('${QUOTED}')`,
            },
            counts.check("renewal-quotation", 3, `body:not(:has(.modal)) .o_form_view .o_breadcrumb:contains('${QUOTED}')`),
            ...managerSeesNextMonthsRenewals(),
        ];
    },
});
