# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A local TLS server and certificates made on the spot, for the expiry watch's tests and
benchmark (no network, no fixtures to age): ``TlsServer(cert).start()`` listens on
127.0.0.1, a free port; each connection gets the TLS handshake, then is closed."""

import logging
import socketserver
import ssl
import tempfile
import threading
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

_logger = logging.getLogger(__name__)


def make_certificate(days, host="localhost", issuer="MSP Suite Test CA"):
    """(certificate PEM, key PEM, notAfter): a certificate for ``host`` that expires in
    ``days`` days, signed by its own key (self-signed, under another issuer name)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.utcnow().replace(microsecond=0)
    not_after = now + timedelta(days=days)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, issuer),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "MSP Suite tests"),
                ]
            )
        )
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        not_after,
    )


class _Handshake(socketserver.BaseRequestHandler):
    def handle(self):
        owner = self.server.owner
        with owner.lock:
            owner.in_flight += 1
            owner.peak = max(owner.peak, owner.in_flight)
        try:
            with self.server.context.wrap_socket(self.request, server_side=True):
                pass
        except (ssl.SSLError, OSError) as error:
            _logger.debug("TLS test server: %s", error)  # the client went away
        finally:
            with owner.lock:
                owner.in_flight -= 1
                owner.handshakes += 1


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class TlsServer:
    """A TLS listener on 127.0.0.1 serving one certificate (swap it with ``serve()``)."""

    def __init__(self, certificate):
        self.server_names = []  # the SNI names clients sent
        self.lock = threading.Lock()
        self.in_flight = self.peak = self.handshakes = 0  # connections being served, the most
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.sni_callback = self._sni
        self._tmp = tempfile.TemporaryDirectory(prefix="msp-tls-")
        self.serve(certificate)
        self._server = _Server(("127.0.0.1", 0), _Handshake)
        self._server.context = self.context
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _sni(self, sslobj, server_name, context):
        self.server_names.append(server_name)

    def serve(self, certificate):
        """Serve ``certificate`` (cert PEM, key PEM, ...) from the next handshake on."""
        cert_file, key_file = Path(self._tmp.name, "cert.pem"), Path(self._tmp.name, "key.pem")
        cert_file.write_bytes(certificate[0])
        key_file.write_bytes(certificate[1])
        self.context.load_cert_chain(cert_file, key_file)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._tmp.cleanup()
