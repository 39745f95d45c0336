# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "MSP SLA",
    "summary": "SLA clocks on helpdesk tickets: business hours, pauses, escalation, breaches",
    "version": "19.0.0.1.0",
    "category": "Services/Helpdesk",
    "license": "AGPL-3",
    "author": "MSP Suite contributors",
    "website": "https://github.com/msp-suite/msp-odoo",
    "depends": ["helpdesk_mgmt", "resource"],
    "data": [
        "security/msp_sla_groups.xml",
        "views/msp_sla_menus.xml",
    ],
    "installable": True,
    "application": True,
}
