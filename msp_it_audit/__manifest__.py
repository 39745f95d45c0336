# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "MSP IT Audit",
    "summary": "From the sales call to an IT audit to a priced proposal",
    "version": "19.0.0.1.0",
    "category": "Sales/CRM",
    "license": "AGPL-3",
    "author": "MSP Suite contributors",
    "website": "https://github.com/msp-suite/msp-odoo",
    "depends": ["crm", "sale_management"],
    "data": [
        "security/msp_it_audit_groups.xml",
        "views/msp_it_audit_menus.xml",
    ],
    "installable": True,
    "application": True,
}
