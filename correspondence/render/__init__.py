"""Render: a composed Document -> PDF (WeasyPrint, PDF/A) or DOCX (docxtpl), same content in both.

`correspondence.pipeline.produce` is the entry point that also signs; this package stops at bytes.
Names are imported on first use (PEP 562), so the CLI starts without loading WeasyPrint.
"""
from __future__ import annotations

from ..lazy import lazy_exports

FORMATS = ("pdf", "docx")

_EXPORTS = {
    "compose_document": "compose",
    "Document": "document",
    "render_docx": "docx",
    "RenderedPdf": "pdf",
    "SignatureBox": "pdf",
    "EmbeddedFile": "pdf",
    "render_pdf": "pdf",
}

__all__ = ["FORMATS", *sorted(_EXPORTS)]


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
