# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Parsers of scan and inventory files.

Pure Python, no ORM: each parser takes the raw bytes of a file and returns a list of host
records (plain dicts, see ``common.new_host``) or raises ``ScanFileError``. Nothing is written
to the database here, so a refused file can never leave half an import behind.
"""

from .common import ScanFileError, decode_base64_file, file_label, new_host
from .glpi import parse_glpi_inventory
from .nmap import parse_nmap_xml

__all__ = [
    "ScanFileError",
    "decode_base64_file",
    "file_label",
    "new_host",
    "parse_glpi_inventory",
    "parse_nmap_xml",
]
