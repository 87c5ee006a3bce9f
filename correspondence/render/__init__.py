"""Render: a composed Document -> PDF (WeasyPrint or Typst, PDF/A) or DOCX (docxtpl), same content in all.

`correspondence.pipeline.produce` is the entry point that also signs; this package stops at bytes.
Names are imported on first use (PEP 562), so the CLI starts without loading WeasyPrint.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:  # the same names, typed for callers and checkers; imported lazily at run time
    from .compose import compose_document as compose_document
    from .document import Document as Document
    from .docx import render_docx as render_docx
    from .pdf import (
        EmbeddedFile as EmbeddedFile, RenderedPdf as RenderedPdf, SignatureBox as SignatureBox,
        render_pdf as render_pdf)
    from .typst import render_typst as render_typst

FORMATS = ("pdf", "docx")

_EXPORTS = {
    "compose_document": "compose",
    "Document": "document",
    "render_docx": "docx",
    "RenderedPdf": "pdf",
    "SignatureBox": "pdf",
    "EmbeddedFile": "pdf",
    "render_pdf": "pdf",
    "render_typst": "typst",
}

__all__ = ["FORMATS", *sorted(_EXPORTS)]


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
