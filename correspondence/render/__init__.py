"""Render: a composed Document -> PDF (WeasyPrint, PDF/A) or DOCX (docxtpl), same content in both.

`correspondence.pipeline.produce` is the entry point that also signs; this package stops at bytes.
"""
from __future__ import annotations

from .compose import compose_document
from .document import Document
from .docx import render_docx
from .pdf import RenderedPdf, SignatureBox, render_pdf

FORMATS = ("pdf", "docx")

__all__ = ["FORMATS", "Document", "RenderedPdf", "SignatureBox", "compose_document", "render_docx", "render_pdf"]
