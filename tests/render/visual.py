"""Low-resolution page images for the visual regression test, and the script that regenerates them.

Run `python -m tests.render.visual` after an intended layout change; it rewrites tests/render/pages/*.png
(50 dpi, 8-bit grayscale: a few kilobytes a page) for page 1 (letterhead, envelope window) and the page
holding the signature area, for every document kind in every language.
"""
from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
from PIL import Image

from correspondence.casefile import build_case
from correspondence.model import DocumentKind, Language
from correspondence.render import compose_document, render_pdf
from correspondence.render.pdf import RenderedPdf
from tests.casedata import agreement_example

PAGES_DIR = Path(__file__).with_name("pages")
DPI = 50
MM = 72 / 25.4  # PDF points per millimetre
DOCUMENTS = [(lang.value, kind.value) for lang in Language for kind in DocumentKind]

#: Address window of a DL (110 x 220 mm) or C5/6 window envelope holding an A4 folded in three, in mm from
#: the sheet's top-left corner: 90 x 45 mm at 20 mm from the side (DIN 5008 form B, the usual Spanish
#: left-window envelope; Italian envelopes mirror it on the right), with the envelope's play.
WINDOWS = {"left": (20.0, 45.0, 110.0, 90.0), "right": (100.0, 45.0, 190.0, 90.0)}


def render(language: str, kind: str) -> RenderedPdf:
    return render_pdf(compose_document(build_case(agreement_example(language, kind))))


def image_pages(rendered: RenderedPdf) -> list[int]:
    """Page indexes pinned by images: the first, and the one with the signature area."""
    pages = [0]
    if rendered.signature_box is not None and rendered.signature_box.page not in pages:
        pages.append(rendered.signature_box.page)
    return pages


def page_image(data: bytes, index: int) -> Image.Image:
    pdf = pypdfium2.PdfDocument(data)
    try:
        bitmap = pdf[index].render(scale=DPI / 72, grayscale=True)
        return bitmap.to_pil().convert("L")
    finally:
        pdf.close()


def reference_path(language: str, kind: str, index: int) -> Path:
    return PAGES_DIR / f"{language}-{kind}-p{index + 1}.png"


def regenerate() -> list[Path]:
    PAGES_DIR.mkdir(exist_ok=True)
    for old in PAGES_DIR.glob("*.png"):
        old.unlink()
    written = []
    for language, kind in DOCUMENTS:
        rendered = render(language, kind)
        for index in image_pages(rendered):
            path = reference_path(language, kind, index)
            buffer = io.BytesIO()
            page_image(rendered.data, index).save(buffer, format="PNG", optimize=True)
            path.write_bytes(buffer.getvalue())
            written.append(path)
    return written


if __name__ == "__main__":
    for p in regenerate():
        print(p, p.stat().st_size)
