# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reading expiry dates from the network: domains over RDAP, TLS certificates from the
server. Each network step is one small overridable method; a failed lookup is recorded,
retried later and later, and never taken for "not expiring" (the last date read stays)."""

import functools
import json
import logging
import socket
import ssl
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from cryptography import x509

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from .expiry_watch import LOOKUP_KINDS

_logger = logging.getLogger(__name__)

# IANA's RDAP bootstrap file for domains (https://data.iana.org/rdap/dns.json), bundled:
# its date and licence are in data/README.md.
RDAP_BOOTSTRAP = Path(__file__).parent.parent / "data" / "rdap_dns.json"
LOOKUP_TIMEOUT = 10  # seconds, for each connection and each read
LOOKUP_WORKERS = 20  # lookups in flight at once
CHECK_INTERVAL = timedelta(days=1)  # after a successful lookup
RETRY_FIRST, RETRY_MAX = timedelta(minutes=15), timedelta(days=1)  # after failures
MAX_ERROR = 500  # characters of an error kept


class LookupFailed(Exception):
    """The lookup read no date; the message says why."""


@functools.lru_cache(maxsize=1)
def rdap_services(path=RDAP_BOOTSTRAP):
    """{tld or suffix: [base URLs]} from an RDAP bootstrap file (RFC 9224)."""
    data = json.loads(Path(path).read_text())
    return {suffix.lower(): urls for suffixes, urls in data["services"] for suffix in suffixes}


@functools.lru_cache(maxsize=1)
def tls_reading_context():
    """A TLS client context that reads certificates without judging them: no verification
    (a self-signed or private-CA certificate is read like any other), so no CA store to load
    either. Made once: contexts are thread-safe and costly to make."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # reading the date, not validating trust
    return context


class MspExpiryItem(models.Model):
    _inherit = "msp.expiry.item"

    # ------------------------------------------------------------------
    # Names
    # ------------------------------------------------------------------

    @api.model
    def _msp_domain_name(self, name):
        """The domain in its ASCII (IDNA) form, lower case. Raises ValueError."""
        domain = (name or "").strip().rstrip(".").lower()
        if "://" in domain or "/" in domain or " " in domain or "." not in domain:
            raise ValueError(self.env._("%(name)s is not a domain name", name=name))
        try:
            return domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(self.env._("%(name)s is not a domain name", name=name)) from None

    @api.model
    def _msp_split_host_port(self, name):
        """``host:port`` (port 443 when left out; ``[::1]:8443`` for IPv6). Raises ValueError."""
        text = (name or "").strip()
        host, port = text, "443"
        if text.startswith("["):
            host, _sep, rest = text[1:].partition("]")
            port = rest.lstrip(":") or "443"
        elif text.count(":") == 1:
            host, port = text.split(":")
        if not host or " " in host or "/" in host or not port.isdigit():
            raise ValueError(self.env._("%(name)s is not host or host:port", name=name))
        if not 0 < int(port) < 65536:
            raise ValueError(self.env._("port %(port)s is not between 1 and 65535", port=port))
        return host, int(port)

    # ------------------------------------------------------------------
    # The lookups: one small overridable method each
    # ------------------------------------------------------------------

    @api.model
    def _msp_lookup_timeout(self):
        return LOOKUP_TIMEOUT

    @api.model
    def _msp_rdap_base_urls(self, domain):
        """The registry's RDAP base URLs for ``domain`` (longest matching suffix), HTTPS
        first, from IANA's bootstrap file."""
        services = rdap_services()
        labels = domain.split(".")
        for start in range(len(labels)):
            urls = services.get(".".join(labels[start:]))
            if urls:
                return sorted(urls, key=lambda url: not url.startswith("https://"))
        raise LookupFailed(
            self.env._(
                "No registry publishes RDAP for .%(tld)s (IANA's bootstrap file): enter the "
                "date by hand and make this item of kind Other.",
                tld=labels[-1],
            )
        )

    @api.model
    def _msp_rdap_fetch(self, url):
        """GET one RDAP URL; the parsed JSON. The only HTTP call of the RDAP lookup."""
        response = requests.get(
            url,
            headers={"Accept": "application/rdap+json"},
            timeout=self._msp_lookup_timeout(),
        )
        if response.status_code == 404:
            raise LookupFailed(self.env._("The registry does not know this domain (404)."))
        response.raise_for_status()
        return response.json()

    @api.model
    def _msp_rdap_expiry(self, data):
        """The expiration date of an RDAP domain object (its ``events``)."""
        for event in data.get("events") or []:
            if event.get("eventAction") == "expiration" and event.get("eventDate"):
                moment = datetime.fromisoformat(event["eventDate"].replace("Z", "+00:00"))
                if moment.tzinfo:
                    moment = moment.astimezone(UTC)
                return moment.date()
        raise LookupFailed(self.env._("The registry's RDAP answer has no expiration event."))

    @api.model
    def _msp_lookup_rdap(self, domain):
        """{'expiry_date'} of ``domain`` over RDAP: the registry's base URL from IANA's
        bootstrap file, then GET <base>/domain/<name>."""
        domain = self._msp_domain_name(domain)
        base = self._msp_rdap_base_urls(domain)[0]
        data = self._msp_rdap_fetch(f"{base.rstrip('/')}/domain/{domain}")
        return {"expiry_date": self._msp_rdap_expiry(data), "issuer": False}

    @api.model
    def _msp_lookup_tls(self, host, port):
        """{'expiry_date', 'issuer'} of the certificate ``host:port`` serves (SNI = host).

        This reads the date; it does not judge trust: the certificate is not verified, so a
        self-signed or private-CA certificate is read like any other."""
        timeout = self._msp_lookup_timeout()
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            with tls_reading_context().wrap_socket(sock, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
        if not der:
            raise LookupFailed(self.env._("The server sent no certificate."))
        certificate = x509.load_der_x509_certificate(der)
        return {
            "expiry_date": certificate.not_valid_after.date(),  # naive UTC
            "issuer": certificate.issuer.rfc4514_string()[:250],
        }

    @api.model
    def _msp_lookup(self, kind, name):
        """Look one item up; raises on failure. Runs in a worker thread: it must not touch
        the database (no ORM reads or writes)."""
        if kind == "tls":
            return self._msp_lookup_tls(*self._msp_split_host_port(name))
        return self._msp_lookup_rdap(name)

    # ------------------------------------------------------------------
    # Running them: bounded concurrency, results written in one thread
    # ------------------------------------------------------------------

    @api.model
    def _msp_lookup_workers(self):
        return LOOKUP_WORKERS

    @api.model
    def _msp_lookup_many(self, jobs):
        """{key: result dict or the exception} for ``jobs`` = [(key, kind, name)], at most
        _msp_lookup_workers() at once."""

        def run(job):
            key, kind, name = job
            try:
                return key, self._msp_lookup(kind, name)
            except Exception as error:  # every failure is recorded, none lost
                return key, error

        if not jobs:
            return {}
        self.env.lang  # noqa: B018 - computed (and cached) here: the threads do not query
        with ThreadPoolExecutor(max_workers=min(self._msp_lookup_workers(), len(jobs))) as pool:
            return dict(pool.map(run, jobs))

    @api.model
    def _msp_describe_error(self, error):
        if isinstance(error, LookupFailed):
            text = str(error)
        elif isinstance(error, socket.timeout | TimeoutError | requests.Timeout):
            text = self.env._("No answer within %(s)s seconds.", s=self._msp_lookup_timeout())
        else:
            text = f"{type(error).__name__}: {error}"
        return text[:MAX_ERROR]

    @api.model
    def _msp_retry_delay(self, attempts):
        """15 min, 30 min, 1 h, 2 h... up to a day."""
        return min(RETRY_FIRST * (2 ** max(attempts - 1, 0)), RETRY_MAX)

    def _msp_apply_lookup(self, result):
        """Record one lookup's result (a dict, or the exception it raised)."""
        self.ensure_one()
        now = fields.Datetime.now()
        if isinstance(result, Exception):
            attempts = self.check_attempts + 1
            self.write(
                {
                    "check_state": "failed",
                    "check_error": self._msp_describe_error(result),
                    "check_attempts": attempts,
                    "last_check_at": now,
                    "next_check_at": now + self._msp_retry_delay(attempts),
                }
            )
            return
        vals = {
            "check_state": "ok",
            "check_error": False,
            "check_attempts": 0,
            "last_check_at": now,
            "next_check_at": now + CHECK_INTERVAL,
            "issuer": result.get("issuer") or False,
        }
        if result["expiry_date"] != self.expiry_date:
            vals["expiry_date"] = result["expiry_date"]
        self.write(vals)

    def _msp_check_now(self):
        """Look these items up now (the domains and certificates among them)."""
        items = self.filtered(lambda i: i.kind in LOOKUP_KINDS)
        results = self._msp_lookup_many([(item.id, item.kind, item.name) for item in items])
        for item in items:
            item._msp_apply_lookup(results[item.id])
        return items

    def action_check_now(self):
        items = self.filtered(lambda i: i.kind in LOOKUP_KINDS)
        if not items:
            raise UserError(
                self.env._(
                    "Only domains and TLS certificates are looked up; set the date of the "
                    "others by hand or on their source."
                )
            )
        items._msp_check_now()
        return True

    @api.model
    def _msp_lookup_due_domain(self):
        return (
            Domain("active", "=", True)
            & Domain("kind", "in", LOOKUP_KINDS)
            & (
                Domain("next_check_at", "=", False)
                | Domain("next_check_at", "<=", fields.Datetime.now())
            )
        )

    @api.model
    def _cron_expiry_lookup(self):
        """Look up the domains and certificates due, in batches (locked rows skipped; the
        network work of a batch runs in a bounded thread pool)."""
        return self._msp_run_batches(
            self._msp_lookup_due_domain(), "next_check_at, id", "_msp_check_now"
        )
