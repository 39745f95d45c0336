# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.addons.msp_it_audit.models.msp_asset import normalize_hostname, normalize_ip_key

# Labels that name the device, in the order they are tried. Prometheus' ``instance`` is
# ``host:port`` (or an address); exporters and Grafana rules often add the others.
HOST_LABELS = ("instance", "hostname", "host", "nodename", "node", "fqdn")
IP_LABELS = ("ip", "ip_address", "address", "instance")


def _strip_port(value):
    """``db1.acme.example:9100`` -> ``db1.acme.example``; ``[fe80::1]:9100`` -> ``fe80::1``;
    a bare IPv6 address stays whole."""
    value = value.strip()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


class MspAlertSource(models.Model):
    _inherit = "msp.alert.source"

    def _msp_alert_match(self, labels):
        """The asset an alert is about, by its instance, host name or IP labels (the asset
        register's matching keys), hence its customer; then the contract and its SLA policy
        follow from the ticket's asset. Without one asset, msp_sla's customer label."""
        asset = self._msp_alert_find_asset(labels)
        if asset:
            return {
                "partner": asset.partner_id.commercial_partner_id,
                "asset": asset,
                "note": self.env._("asset %s", asset.display_name),
            }
        return {**super()._msp_alert_match(labels), "asset": self.env["msp.asset"]}

    def _msp_alert_find_asset(self, labels):
        """The one active asset of the source's company matching the labels; none when two
        customers' assets match (an ambiguous alert goes to the unmatched queue)."""
        Asset = self.env["msp.asset"]
        company = [("company_id", "in", [self.company_id.id, False])]
        tries = []
        for label in HOST_LABELS:
            key = normalize_hostname(_strip_port(labels.get(label) or ""))
            if key:
                tries.append(("hostname_key", key))
        for label in IP_LABELS:
            key = normalize_ip_key(_strip_port(labels.get(label) or ""))
            if key:
                tries.append(("ip_key", key))
        seen = set()
        for field, key in tries:
            if (field, key) in seen:
                continue
            seen.add((field, key))
            assets = Asset.search(
                [(field, "=", key), ("state", "!=", "retired"), *company], limit=3
            )
            if len(assets.partner_id.commercial_partner_id) == 1:
                return assets[:1]
        return Asset

    def _msp_alert_ticket_values(self, alert, match, priority):
        values = super()._msp_alert_ticket_values(alert, match, priority)
        if match.get("asset"):
            values["msp_asset_id"] = match["asset"].id
        return values
