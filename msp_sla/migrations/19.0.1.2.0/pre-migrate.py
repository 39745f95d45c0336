# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def migrate(cr, version):
    """An alert's firing count and the time it was last seen are read from its history
    lines (each notification is one; a repeat no longer writes the alert's row): their
    columns go. The history already holds every firing with its count and date, a
    repeated "resolved" excepted (it was last seen then; the resolution date stays)."""
    cr.execute("ALTER TABLE msp_alert DROP COLUMN IF EXISTS firing_count")
    cr.execute("ALTER TABLE msp_alert DROP COLUMN IF EXISTS last_seen")
