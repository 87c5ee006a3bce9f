"""Render: a composed Document -> PDF (WeasyPrint, PDF/A) or DOCX (docxtpl), same content in both."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model import Case
from .compose import compose_document
from .document import Document
from .docx import render_docx
from .pdf import RenderedPdf, SignatureBox, render_pdf

FORMATS = ("pdf", "docx")


def render_case(case: Case, fmt: str, *, base_dir: Path | None = None, pdfa: bool | None = None) -> bytes:
    """Compose and render a case; `fmt` is "pdf" or "docx"."""
    if fmt not in FORMATS:
        raise InputError("format", f"'{fmt}' is not one of {', '.join(FORMATS)}")
    doc = compose_document(case, base_dir=base_dir)
    return render_pdf(doc, pdfa=pdfa).data if fmt == "pdf" else render_docx(doc)


__all__ = ["FORMATS", "Document", "RenderedPdf", "SignatureBox", "compose_document", "render_case", "render_docx",
           "render_pdf"]
