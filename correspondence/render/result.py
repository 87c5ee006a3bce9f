"""What a PDF engine hands back, shared by WeasyPrint (render/pdf.py) and Typst (render/typst.py).

A module of its own so that a Typst process never imports WeasyPrint (about a second of start-up and tens of
MiB per worker) only to name these types.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from ..model import DocumentKind


@dataclass(frozen=True)
class SignatureBox:
    """Where the signature block landed: page index and a PDF-point box (x1, y1, x2, y2), origin bottom-left."""

    page: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    signature_box: SignatureBox | None
    pdfa: bool
    boxes: Mapping[str, SignatureBox] = field(default_factory=dict)  # LAID_OUT ids -> where they landed
    compact: bool = False  # laid out in the compact second layout (the DOCX follows the same decision)


@dataclass(frozen=True)
class EmbeddedFile:
    """A file embedded in the PDF as an associated file (PDF/A-3: /AF with /AFRelationship)."""

    filename: str
    data: bytes
    media_type: str
    description: str = ""
    relationship: str = "Source"  # Source | Data | Alternative | Supplement | Unspecified


#: Document kinds that get the compact second layout when they overflow one page by a little.
COMPACT_KINDS = frozenset({DocumentKind.first_demand, DocumentKind.second_demand})

SIGNATURE_ANCHOR = "signature-box"
#: Elements of the layout whose position is reported (envelope window checks, signature placement).
LAID_OUT = (SIGNATURE_ANCHOR, "recipient", "return-line", "sender")
