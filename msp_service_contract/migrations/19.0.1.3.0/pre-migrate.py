# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def migrate(cr, version):
    """A capacity check's target line counted both its targets in business hours or both
    round the clock (business_hours); from 19.0.1.3.0 each target has its own counting, as
    in msp_sla. The old flag becomes both new ones, so no line changes meaning."""
    split_business_hours(cr)


def split_business_hours(cr):
    cr.execute(
        """SELECT 1 FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'msp_capacity_run_target'
              AND column_name = 'business_hours'"""
    )
    if not cr.fetchone():
        return
    cr.execute(
        """ALTER TABLE msp_capacity_run_target
               RENAME COLUMN business_hours TO response_business_hours"""
    )
    cr.execute(
        """ALTER TABLE msp_capacity_run_target ADD COLUMN resolution_business_hours boolean;
           UPDATE msp_capacity_run_target
              SET resolution_business_hours = response_business_hours"""
    )
