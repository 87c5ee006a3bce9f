"""What a PDF engine hands back, shared by WeasyPrint (render/pdf.py) and Typst (render/typst.py).

A module of its own so that a Typst process never imports WeasyPrint (about a second of start-up and tens of
MiB per worker) only to name these types.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

from ..model import DocumentKind

if TYPE_CHECKING:
    from .document import Document


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


def wants_pdfa(doc: "Document", pdfa: bool | None) -> bool:
    """PDF/A-3b when asked, else as the case option says, else for legal notices (the ones kept as evidence)."""
    if pdfa is not None:
        return pdfa
    return doc.case.options.pdfa if doc.case.options.pdfa is not None else doc.case.kind.value == "legal_notice"


def spills(doc: "Document", rendered: RenderedPdf) -> bool:
    """A reminder laid out normally that spilled onto a second page: it is laid out once more, compact."""
    return rendered.pages == 2 and doc.case.kind in COMPACT_KINDS


def one_page_if_it_fits(doc: "Document", render: Callable[[bool], RenderedPdf]) -> RenderedPdf:
    """`render(compact)` in the normal layout; a reminder that spills onto a second page is laid out once more
    compact, and that layout is kept only if it fits one page (whichever engine lays it out)."""
    rendered = render(False)
    if spills(doc, rendered):
        compact = render(True)
        if compact.pages == 1:
            return compact
    return rendered
