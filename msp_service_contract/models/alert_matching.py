# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.addons.msp_it_audit.models.msp_asset import normalize_hostname, normalize_ip_key
from odoo.fields import Domain

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
        key = tuple(sorted(labels.items()))
        return self._msp_alert_match_many({key})[key]

    def _msp_alert_match_many(self, label_sets):
        """_msp_alert_match for many label sets, their assets looked up in one query."""
        assets = self._msp_alert_find_assets(label_sets)
        matches = {}
        for key in label_sets:
            asset = assets[key]
            if asset:
                matches[key] = {
                    "partner": asset.partner_id.commercial_partner_id,
                    "asset": asset,
                    "note": self.env._("asset %s", asset.display_name),
                }
            else:
                matches[key] = {
                    **self._msp_alert_match_customer_label(dict(key)),
                    "asset": self.env["msp.asset"],
                }
        return matches

    def _msp_alert_find_asset(self, labels):
        """The one active asset of the source's company matching the labels; none when two
        customers' assets match (an ambiguous alert goes to the unmatched queue)."""
        key = tuple(sorted(labels.items()))
        return self._msp_alert_find_assets({key})[key]

    def _msp_alert_find_assets(self, label_sets):
        """{label set: its asset (_msp_alert_find_asset)}, the candidates read in one query.
        For each label set the keys are tried in order (host names, then addresses); the
        first key whose assets (the first three in the register's order) belong to one
        customer gives the asset."""
        Asset = self.env["msp.asset"]
        tries = {}
        for key in label_sets:
            labels = dict(key)
            keys = []
            for label in HOST_LABELS:
                value = normalize_hostname(_strip_port(labels.get(label) or ""))
                if value:
                    keys.append(("hostname_key", value))
            for label in IP_LABELS:
                value = normalize_ip_key(_strip_port(labels.get(label) or ""))
                if value:
                    keys.append(("ip_key", value))
            tries[key] = list(dict.fromkeys(keys))
        wanted = {field: set() for field in ("hostname_key", "ip_key")}
        for keys in tries.values():
            for field, value in keys:
                wanted[field].add(value)
        candidates = {}
        if any(wanted.values()):
            found = Asset.search_fetch(
                Domain.OR(
                    Domain(field, "in", sorted(values))
                    for field, values in wanted.items()
                    if values
                )
                & Domain("state", "!=", "retired")
                & Domain("company_id", "in", [self.company_id.id, False]),
                ["hostname_key", "ip_key", "partner_id", "display_name"],
            )
            found.partner_id.commercial_partner_id  # noqa: B018 - one read for all
            for asset in found:  # in the register's order
                for field, values in wanted.items():
                    if asset[field] in values:
                        candidates.setdefault((field, asset[field]), Asset)
                        candidates[(field, asset[field])] |= asset
        result = {}
        for key, keys in tries.items():
            result[key] = Asset
            for field_key in keys:
                assets = candidates.get(field_key, Asset)[:3]
                if len(assets.partner_id.commercial_partner_id) == 1:
                    result[key] = assets[:1]
                    break
        return result

    def _msp_alert_ticket_values(self, alert, match, priority):
        values = super()._msp_alert_ticket_values(alert, match, priority)
        if match.get("asset"):
            values["msp_asset_id"] = match["asset"].id
        return values
