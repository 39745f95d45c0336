# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import binascii
import re

# Control characters no stored text may hold (PostgreSQL refuses NUL).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ScanFileError(Exception):
    """A scan or inventory file is refused.

    ``code`` names the reason (the model turns it into a translated message), ``params``
    carries the details shown to the user.
    """

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def decode_base64_file(data, max_bytes):
    """Decode a base64 file, refusing anything over ``max_bytes`` once decoded.

    The size is checked on the encoded length first, so a huge upload is refused before it is
    decoded into memory.
    """
    if not data:
        raise ScanFileError("empty")
    if not isinstance(data, (str, bytes)):
        raise ScanFileError("not_base64")
    if isinstance(data, str):
        data = data.encode("ascii", errors="replace")
    if len(data) // 4 * 3 > max_bytes + 3:
        raise ScanFileError("too_large", size=len(data) // 4 * 3, limit=max_bytes)
    try:
        raw = base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ScanFileError("not_base64") from exc
    if not raw.strip():
        raise ScanFileError("empty")
    if len(raw) > max_bytes:
        raise ScanFileError("too_large", size=len(raw), limit=max_bytes)
    return raw


def new_host():
    """An empty host record, the common shape every parser returns."""
    return {
        "name": "",
        "hostname": "",
        "ip_addresses": [],
        "mac_address": "",
        "manufacturer": "",
        "hardware_model": "",
        "serial_number": "",
        "os_name": "",
        "os_version": "",
        "kind": "",
        # [{"port": 21, "protocol": "tcp", "service": "ftp", "product": "", "version": "",
        #   "scripts": {"script-id": "output"}}]
        "services": [],
        "host_scripts": {},
        # [(name, version, publisher)]
        "software": [],
        "user_count": 0,
    }


def text(value, limit=256):
    """A clean single-line string from untrusted input, cut to ``limit`` characters."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(_CONTROL_CHARS.sub(" ", str(value)).split())[:limit]


def file_label(filename):
    """A file name fit for messages: text, one line, at most 255 characters; else None."""
    return text(filename, 255) or None if isinstance(filename, str) else None
