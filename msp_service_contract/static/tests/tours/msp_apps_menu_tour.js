/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A person who logs in sees the three MSP apps and can open Service Contracts.
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("msp_apps_menu_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "The IT Audit app is in the apps menu",
            trigger: ".o_app[data-menu-xmlid='msp_it_audit.msp_it_audit_menu_root']",
        },
        {
            content: "The SLA app is in the apps menu",
            trigger: ".o_app[data-menu-xmlid='msp_sla.msp_sla_menu_root']",
        },
        {
            content: "Open the Service Contracts app",
            trigger: ".o_app[data-menu-xmlid='msp_service_contract.msp_service_contract_menu_root']",
            run: "click",
        },
        {
            content: "The app opens on its contracts",
            trigger: ".o_menu_brand:contains('Service Contracts')",
        },
        {
            content: "Its Configuration menu is there for a manager",
            trigger: ".o_menu_sections [data-menu-xmlid='msp_service_contract.msp_service_contract_menu_config']",
        },
        {
            content: "The contract list is shown",
            trigger: ".o_action_manager .o_list_view, .o_action_manager .o_kanban_view",
        },
    ],
});
