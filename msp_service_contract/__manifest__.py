# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "MSP Service Contracts",
    "summary": "Managed-service contracts: plans, covered assets, included hours, SLA credits",
    "version": "19.0.1.1.0",
    "category": "Services",
    "license": "AGPL-3",
    "author": "MSP Suite contributors",
    "website": "https://github.com/msp-suite/msp-odoo",
    # sale_timesheet comes anyway (auto-installed with sales, projects and timesheets); it
    # is named so that the access fix in models/sale_order.py loads after it.
    "depends": ["contract", "msp_sla", "msp_it_audit", "hr_timesheet", "account", "sale_timesheet"],
    "data": [
        "security/msp_service_contract_groups.xml",
        "security/ir.model.access.csv",
        "security/msp_service_contract_security.xml",
        "data/product_data.xml",
        "data/mail_template_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/msp_service_plan_views.xml",
        "views/contract_contract_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/sale_order_views.xml",
        "views/msp_contract_report_views.xml",
        "views/contract_portal_templates.xml",
        "views/portal_outage_templates.xml",
        "views/emergency_intake_views.xml",
        "report/report_monthly_service.xml",
        "views/msp_service_contract_menus.xml",
    ],
    "demo": ["demo/msp_service_contract_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "msp_service_contract/static/src/**/*",
        ],
        "web.assets_tests": [
            "msp_service_contract/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": True,
}
