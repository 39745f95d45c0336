/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The proposal's capacity check, run by tests/test_tours.py: the account manager asks from the
// proposal whether the desk can take the prospect, then asks again with one more technician.
// The prediction is queued for a background cron; the test has the queued run computed on the
// server when it is queued, so the form shows the answer when it reloads.
import { registry } from "@web/core/registry";
import { screenshot } from "@msp_service_contract/../tests/tours/tour_screenshot";

const FORM = ".o_form_view:not(:has(.modal))";
const RESULTS = ".o_field_widget[name='result_ids']";

function predictAndPicture(verdict, picture) {
    const done = `${FORM}:has(.o_statusbar_status .o_arrow_button_current:contains('Done')):has(.o_field_widget[name='verdict_after']:contains('${verdict}')) ${RESULTS} .o_data_row:contains('With the prospect')`;
    return [
        {
            content: "Predict: the computation is queued for the background",
            trigger: `${FORM} .o_form_statusbar button[name='action_queue']`,
            run: "click",
        },
        {
            content: `Computed: with the prospect, "${verdict}"; the notification is read`,
            trigger: done,
            // the background computation and the reload, on a busy test machine
            timeout: 30000,
            run() {
                for (const close of document.querySelectorAll(".o_notification_close")) {
                    close.click();
                }
            },
        },
        {
            // The on-screen notification may come after the form reloaded: it closes by
            // itself after a few seconds.
            content: "No notification over the page",
            trigger: `body:not(:has(.o_notification)) ${done}`,
            timeout: 30000,
        },
        ...screenshot(picture, `:not(:has(.o_notification)) ${done}`, { height: 1000 }),
    ];
}

registry.category("web_tour.tours").add("msp_capacity_proposal_tour", {
    steps: () => [
        {
            content: "On the proposal, open its capacity check",
            trigger: ".o_form_view button[name='action_msp_capacity']",
            run: "click",
        },
        {
            content: "The check is the proposal's, with the audit's users and devices",
            trigger: `${FORM} .o_field_widget[name='audit_id'] input:value('Audit Northwind')`,
        },
        {
            content: "for the service desk's team",
            trigger: `${FORM} .o_field_widget[name='team_id'] input`,
            run: "edit Capacity desk",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Capacity desk')",
            run: "click",
        },
        {
            content: "measured against the desk's SLA policy",
            trigger: `${FORM} .o_field_widget[name='policy_id'] input`,
            run: "edit Capacity SLA",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Capacity SLA')",
            run: "click",
        },
        {
            content: "from the last four weeks",
            trigger: `${FORM} .o_field_widget[name='history_weeks'] input`,
            run: "edit 4",
        },
        {
            content: "over the next four weeks",
            trigger: `${FORM} .o_field_widget[name='weeks'] input`,
            run: "edit 4",
        },
        ...predictAndPicture("Short by about", "capacity-before"),
        {
            content: "What if one more technician joins? Change the inputs",
            trigger: `${FORM} .o_form_statusbar button[name='action_reset']`,
            run: "click",
        },
        {
            content: "Add one technician",
            trigger: `${FORM} .o_field_widget[name='extra_technicians'] input`,
            run: "edit 1",
        },
        ...predictAndPicture("OK", "capacity-after-technician"),
    ],
});
