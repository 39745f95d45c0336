# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Selections shared by several models of the addon."""

SEVERITIES = [
    ("critical", "Critical"),
    ("high", "High"),
    ("medium", "Medium"),
    ("low", "Low"),
    ("info", "Info"),
]

AREAS = [
    ("network", "Network"),
    ("security", "Security"),
    ("backup", "Backup and disaster recovery"),
    ("endpoint", "Endpoints"),
    ("email_cloud", "Email and cloud"),
    ("licensing", "Licensing"),
    ("documentation", "Documentation"),
    ("physical", "Physical"),
]
