"""Render: a composed Document -> PDF (WeasyPrint, PDF/A) or DOCX (docxtpl), same content in both.

`correspondence.pipeline.produce` is the entry point that also signs; this package stops at bytes.
Names are imported on first use (PEP 562), so the CLI starts without loading WeasyPrint.
"""
from __future__ import annotations

import importlib
from typing import Any

FORMATS = ("pdf", "docx")

_EXPORTS = {
    "compose_document": "compose",
    "Document": "document",
    "render_docx": "docx",
    "RenderedPdf": "pdf",
    "SignatureBox": "pdf",
    "render_pdf": "pdf",
}

__all__ = ["FORMATS", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
