# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The portal's monthly report PDFs, kept while what they show does not change.

Printing the monthly report takes about a second, nearly all of it in wkhtmltopdf, while
its HTML renders in a few hundredths: on a server with two HTTP workers, customers opening
their reports took a large share of the workers (docs/performance.md, "A working day under
load"). The report is rendered as HTML first and the PDF is kept under the sha256 of that
HTML: a customer who opens the report again gets the same PDF at once as long as nothing in
it changed, and a new PDF as soon as one figure, ticket or line of it did (the HTML is then
different). The key also holds the database and the paper format (sizes, margins, DPI: they
are wkhtmltopdf's arguments, not part of the HTML). The PDF is never kept longer than its
exact content, so it can never be stale.

The cache lives in each worker's memory (Odoo's workers share nothing else), bounded by
``MAX_ENTRIES`` PDFs; the least recently used goes first."""

import threading
from collections import OrderedDict
from hashlib import sha256

MAX_ENTRIES = 128


class PdfCache:
    def __init__(self, max_entries=MAX_ENTRIES):
        self.max_entries = max_entries
        self.entries = OrderedDict()
        self.lock = threading.Lock()  # threaded server: requests share the process
        self.hits = self.misses = 0

    def get_or_render(self, html, render, settings=""):
        """The PDF of ``html`` (bytes): the one kept for exactly this HTML and ``settings``
        (what else shapes the PDF: the database, the paper format), or ``render()`` (which
        returns (content, format)); only PDFs are kept (tests render HTML)."""
        key = sha256(settings.encode() + b"\0" + html).hexdigest()
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                self.hits += 1
                return self.entries[key], "pdf"
            self.misses += 1
        content, file_format = render()
        if file_format == "pdf":
            with self.lock:
                self.entries[key] = content
                self.entries.move_to_end(key)
                while len(self.entries) > self.max_entries:
                    self.entries.popitem(last=False)
        return content, file_format


monthly_report_pdfs = PdfCache()
