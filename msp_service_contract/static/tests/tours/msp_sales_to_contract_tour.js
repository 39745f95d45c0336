/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// From the opportunity to the service contract, in three tours run one after the other by
// tests/test_tours.py: the salesperson schedules the IT audit; the auditor answers the checks,
// imports an Nmap scan, accepts two findings, prints the report and makes the proposal; the
// salesperson sells it on a plan and lands on the new service contract.
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";
import { inputFiles } from "@web/../tests/utils";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";

// The scan the auditor brings back: the Python test stores an msp_it_audit fixture under this
// name, as the tour user, and the tour "picks it from the disk".
const SCAN = "office-scan.xml";
const CHECKS = ".o_field_widget[name='check_line_ids']";
const FINDINGS = ".o_field_widget[name='finding_ids']";
const OPPORTUNITY = "Dental Care: managed IT";
const FORM = ".o_form_view:not(:has(.modal))";

async function scanFile() {
    const [attachment] = await rpc("/web/dataset/call_kw/ir.attachment/search_read", {
        model: "ir.attachment",
        method: "search_read",
        args: [[["name", "=", SCAN]], ["datas", "mimetype"]],
        kwargs: {},
    });
    const bytes = Uint8Array.from(atob(attachment.datas), (c) => c.charCodeAt(0));
    return new File([bytes], SCAN, { type: "text/xml" });
}

function answerCheck(name, label) {
    return [
        {
            content: `Answer the check "${name}"`,
            trigger: `.o_form_view ${CHECKS} .o_data_row:contains('${name}') td[name='result']`,
            run: "click",
        },
        {
            content: "Open the results",
            trigger: `.o_form_view ${CHECKS} .o_selected_row td[name='result'] input`,
            run: "click",
        },
        {
            content: `"${name}": ${label}`,
            trigger: `.o_select_menu_menu .o_select_menu_item:contains('${label}'):visible`,
            run: "click",
        },
        {
            trigger: `.o_form_view ${CHECKS} .o_selected_row td[name='result'] input:value('${label}')`,
        },
    ];
}

function acceptFinding(title) {
    return [
        {
            content: `The customer accepts "${title}"`,
            trigger: `.o_form_view ${FINDINGS} .o_data_row:contains('${title}') button[name='action_accept']`,
            run: "click",
        },
        {
            content: `"${title}" is accepted`,
            trigger: `.o_form_view ${FINDINGS} .o_data_row:contains('${title}') .badge:contains('Accepted')`,
        },
    ];
}

// On site: start the audit (its checklist is loaded), fail one check, pass the other, save.
function startAndAnswerChecklist() {
    return [
        {
            content: "On site, start the audit: the checklist is loaded",
            trigger: ".o_form_view .o_form_statusbar button[name='action_start']",
            run: "click",
        },
        {
            trigger: `.o_form_view ${CHECKS} .o_data_row:contains('MFA on email')`,
        },
        ...answerCheck("MFA on email", "Fail"),
        ...answerCheck("Restore tested", "Pass"),
        {
            content: "Save the checklist",
            trigger: ".o_form_view .o_form_button_save:enabled",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("msp_sales_schedule_audit_tour", {
    url: "/odoo/crm",
    steps: () => [
        {
            content: "The salesperson opens the opportunity from the pipeline",
            trigger: `.o_kanban_view .o_kanban_record:contains('${OPPORTUNITY}')`,
            run: "click",
        },
        {
            content: "On the opportunity, schedule the IT audit",
            trigger: ".o_form_view .o_form_statusbar button[name='action_schedule_it_audit']",
            run: "click",
        },
        {
            content: "Choose the checklist",
            trigger: ".modal .o_field_widget[name='template_id'] input",
            run: "edit Small office",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Small office')",
            run: "click",
        },
        {
            content: "Choose the auditor",
            trigger: ".modal .o_field_widget[name='auditor_id'] input",
            run: "edit Alex",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Alex Auditor')",
            run: "click",
        },
        {
            content: "Schedule",
            trigger: ".modal button[name='action_schedule']",
            run: "click",
        },
        {
            content: "The audit is scheduled for the opportunity's customer",
            trigger: `${FORM}:has(.o_field_widget[name='partner_id']:contains('Dental Care Ltd')) .o_statusbar_status .o_arrow_button_current:contains('Scheduled')`,
        },
    ],
});

registry.category("web_tour.tours").add("msp_audit_onsite_tour", {
    url: "/odoo/action-msp_it_audit.msp_audit_action",
    steps: () => [
        {
            content: "The auditor opens the audit scheduled for them",
            trigger: ".o_kanban_view .o_kanban_record:contains('Dental Care Ltd')",
            run: "click",
        },
        ...startAndAnswerChecklist(),
        {
            content: "The failed check raised its finding",
            trigger: `.o_form_view ${CHECKS} .o_data_row:contains('MFA on email') td[name='finding_id']:contains('No multi-factor authentication')`,
        },
        {
            content: "Import the network scan",
            trigger: ".o_form_view .o_form_statusbar button[name='action_open_import_wizard']",
            run: "click",
        },
        {
            content: "Upload the Nmap XML file",
            trigger: ".modal .o_field_widget[name='file']",
            async run() {
                await inputFiles(".modal .o_field_widget[name='file'] input[type='file']", [
                    await scanFile(),
                ]);
            },
        },
        {
            content: "The file is ready to import",
            trigger: `.modal .o_field_widget[name='file'] input.o_input:value('${SCAN}')`,
        },
        {
            content: "Import",
            trigger: ".modal button[name='action_import']",
            run: "click",
        },
        {
            content: "The import reports the device it found",
            trigger: ".modal .o_field_widget[name='result']:contains('1 created')",
        },
        {
            content: "Close the import",
            trigger: ".modal .modal-footer button:contains('Close')",
            run: "click",
        },
        {
            content: "Open the findings",
            trigger: `${FORM} .o_notebook .nav-link[name='findings']`,
            run: "click",
        },
        {
            content: "The scan raised its findings",
            trigger: `.o_form_view ${FINDINGS} .o_data_row:contains('Telnet is exposed')`,
        },
        ...acceptFinding("Telnet is exposed"),
        ...acceptFinding("No multi-factor authentication"),
        {
            content: "The audit is done",
            trigger: ".o_form_view .o_form_statusbar button[name='action_done']",
            run: "click",
        },
        ...screenshot(
            "audit",
            `${FORM}:has(.o_statusbar_status .o_arrow_button_current:contains('Done')) ${FINDINGS} .o_data_row:contains('Telnet is exposed') .badge:contains('Accepted')`,
            { height: 940 }
        ),
        {
            content: "Print the report for the prospect",
            trigger: ".o_form_view .o_form_statusbar button:contains('Print report')",
            run: "click",
        },
        {
            content: "Create the proposal",
            trigger: ".o_form_view .o_form_statusbar button[name='action_create_proposal']",
            run: "click",
        },
        {
            content: "The proposal has the accepted remediation",
            trigger:
                ".o_form_view .o_field_widget[name='order_line'] .o_data_row:contains('Telnet is exposed')",
        },
        {
            content: "and the managed services",
            trigger:
                ".o_form_view .o_field_widget[name='order_line'] .o_data_row:contains('Managed workstation / month')",
        },
    ],
});

registry.category("web_tour.tours").add("msp_sales_confirm_contract_tour", {
    url: "/odoo/crm",
    steps: () => [
        {
            content: "The salesperson opens the opportunity again",
            trigger: `.o_kanban_view .o_kanban_record:contains('${OPPORTUNITY}')`,
            run: "click",
        },
        {
            content: "Open its quotation: the auditor's proposal",
            trigger: ".o_form_view button[name='action_view_sale_quotation']:contains('1')",
            run: "click",
        },
        {
            content: "Sell it on a service plan: open the plans",
            trigger: ".o_form_view .o_field_widget[name='msp_service_plan_id'] input",
            run: "click",
        },
        {
            content: "the Business plan",
            trigger: ".o-autocomplete--dropdown-item:contains('Business')",
            run: "click",
        },
        ...screenshot(
            "proposal",
            `${FORM}:has(.o_field_widget[name='msp_service_plan_id'] input:value('Business')) .o_field_widget[name='order_line'] .o_data_row:contains('Telnet is exposed')`,
            { height: 900 }
        ),
        {
            content: "The customer signs: confirm",
            trigger: ".o_form_view .o_form_statusbar button[name='action_confirm']:visible",
            run: "click",
        },
        {
            content: "The order is confirmed and made its contract",
            trigger: ".o_form_view button[name='action_msp_view_contracts']",
            run: "click",
        },
        {
            content: "The service contract, on the Business plan",
            trigger: ".o_form_view .o_field_widget[name='msp_plan_id'] input:value('Business')",
        },
        {
            content: "Open what it covers",
            trigger: ".o_form_view .o_notebook .nav-link[name='msp_coverage']",
            run: "click",
        },
        ...screenshot(
            "contract",
            ".o_form_view .o_field_widget[name='msp_covered_asset_ids'] .o_data_row:contains('192.0.2.2')",
            { height: 1180 }
        ),
    ],
});

registry.category("web_tour.tours").add("msp_audit_onsite_phone_tour", {
    url: "/odoo/action-msp_it_audit.msp_audit_action",
    steps: () => [
        {
            content: "On a phone, the auditor finds the audit among the cards",
            trigger: ".o_kanban_view .o_kanban_record:contains('Dental Care Ltd')",
            run: "click",
        },
        ...startAndAnswerChecklist(),
        ...screenshot(
            "audit-checklist",
            `.o_form_view ${CHECKS} .o_data_row:contains('MFA on email'):contains('No multi-factor authentication')`,
            { show: CHECKS }
        ),
    ],
});
