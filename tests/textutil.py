"""Text extraction from produced files, normalised for assertions."""
from __future__ import annotations

import io
import re
import subprocess

import docx

_SPACES = re.compile(r"[ \t\u00a0\u202f]+")


def normalise(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u00ad", "").replace("\u2010", "-"))


def pdf_text(data: bytes) -> str:
    """Text as poppler's pdftotext reads it (an independent reader, not the producer)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return normalise(out.stdout.decode("utf-8"))


def pdf_fonts(data: bytes) -> str:
    """poppler's pdffonts table of the fonts a PDF uses (name, type, embedded, subset...)."""
    return subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()


def pdf_flat(data: bytes) -> str:
    """PDF text with line breaks joined, for phrases that may wrap."""
    return normalise(pdf_text(data).replace("\n", " "))


def docx_text(data: bytes) -> str:
    """Paragraphs, tables, headers and footers of a DOCX as python-docx reads them."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    return normalise("\n".join(parts))
