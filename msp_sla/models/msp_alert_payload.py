# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The webhook bodies the alert intake reads, turned into one list of alerts.

Each alert comes out as {fingerprint, status, name, labels, annotations}: labels and
annotations are {text: text}. Anything else is refused with a PayloadError that names the
field (the controller answers 400 and writes nothing). See docs/emergency.md.
"""

import hashlib
import json

STATUSES = ("firing", "resolved")
MAX_ALERTS = 1000
MAX_FINGERPRINT = 128
MAX_TEXT = 4000


class PayloadError(ValueError):
    """A body the intake cannot read: its message says which field and why."""


def _text_map(value, where):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError(f"{where} must be an object of text values")
    result = {}
    for key, item in value.items():
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            raise PayloadError(f"{where}.{key} must be text")
        item = str(item)
        if "\x00" in key or "\x00" in item:
            raise PayloadError(f"{where}.{key} holds a NUL character")
        result[key] = item[:MAX_TEXT]
    return result


def _fingerprint(labels):
    """The fingerprint of an alert that brings none: its sorted labels, hashed (like
    Alertmanager, an alert is its label set)."""
    canonical = json.dumps(sorted(labels.items()), separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _alert(raw, index, default_status=None):
    where = f"alerts[{index}]"
    if not isinstance(raw, dict):
        raise PayloadError(f"{where} must be an object")
    labels = _text_map(raw.get("labels"), f"{where}.labels")
    if not labels:
        raise PayloadError(f"{where}.labels is missing: an alert is its labels")
    annotations = _text_map(raw.get("annotations"), f"{where}.annotations")
    status = raw.get("status", default_status)
    if status not in STATUSES:
        raise PayloadError(f"{where}.status must be 'firing' or 'resolved'")
    fingerprint = raw.get("fingerprint") or _fingerprint(labels)
    if not isinstance(fingerprint, str) or len(fingerprint) > MAX_FINGERPRINT:
        raise PayloadError(f"{where}.fingerprint must be text of at most {MAX_FINGERPRINT}")
    name = labels.get("alertname") or annotations.get("summary") or fingerprint
    return {
        "fingerprint": fingerprint,
        "status": status,
        "name": name[:200],
        "labels": labels,
        "annotations": annotations,
    }


def _alert_list(body, kind):
    alerts = body.get("alerts")
    if not isinstance(alerts, list):
        raise PayloadError(f"alerts is missing: a {kind} notification carries a list of alerts")
    return alerts


def parse_alerts(kind, data):
    """The alerts of one webhook body (bytes or text) from a source of ``kind``."""
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise PayloadError(f"the body is not JSON ({error})") from None
    if kind == "alertmanager":
        if not isinstance(body, dict):
            raise PayloadError("an Alertmanager notification is a JSON object")
        if str(body.get("version")) != "4":
            raise PayloadError('version must be "4" (Alertmanager\'s webhook format)')
        raws, default = _alert_list(body, "Alertmanager"), body.get("status")
    elif kind == "grafana":
        if not isinstance(body, dict):
            raise PayloadError("a Grafana notification is a JSON object")
        raws, default = _alert_list(body, "Grafana"), body.get("status")
    else:
        # generic: {"alerts": [...]}, a list of alerts, or one alert
        if isinstance(body, list):
            raws, default = body, "firing"
        elif isinstance(body, dict) and "alerts" in body:
            raws, default = _alert_list(body, "generic"), body.get("status", "firing")
        elif isinstance(body, dict):
            raws, default = [body], "firing"
        else:
            raise PayloadError('a generic notification is an alert, a list or {"alerts": [...]}')
    if len(raws) > MAX_ALERTS:
        raise PayloadError(f"alerts holds {len(raws)} alerts; send at most {MAX_ALERTS} per call")
    return [_alert(raw, index, default) for index, raw in enumerate(raws)]
