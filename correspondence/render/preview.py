"""Page images for a person to look at before sending: a PDF page as PNG (pypdfium2), and SVG logos as PNG
for the DOCX layout (Word's picture parts are raster images; the SVG is laid out by WeasyPrint first).
"""
from __future__ import annotations

import io
import re

from ..errors import InputError

MAX_DPI = 200
_VIEWBOX = re.compile(rb'viewBox="\s*[-0-9.]+[\s,]+[-0-9.]+[\s,]+([0-9.]+)[\s,]+([0-9.]+)')
_SIZE = re.compile(rb'<svg[^>]*?\swidth="([0-9.]+)[a-z]*"[^>]*?\sheight="([0-9.]+)', re.S)


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(pdf))


def pdf_page_png(pdf: bytes, page: int = 1, *, dpi: int = 100) -> bytes:
    """Page `page` (1-based) of a PDF as a PNG at `dpi` (at most 200)."""
    import pypdfium2 as pdfium

    if not 1 <= dpi <= MAX_DPI:
        raise InputError("dpi", f"must be between 1 and {MAX_DPI}")
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError:
        raise InputError("document", "the stored file cannot be drawn as a PDF (damaged or not a PDF)") from None
    try:
        if not 1 <= page <= len(document):
            raise InputError("page", f"the document has {len(document)} page(s); page {page} does not exist")
        bitmap = document[page - 1].render(scale=dpi / 72)
        out = io.BytesIO()
        bitmap.to_pil().save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        document.close()


def svg_png(svg: bytes, *, height_px: int = 300) -> bytes:
    """A sanitised SVG drawn by WeasyPrint (through the locked-down fetcher) and rasterised to PNG."""
    from weasyprint import HTML

    from .assets import AssetFetcher
    from .document import Logo

    found = _VIEWBOX.search(svg) or _SIZE.search(svg)
    width, height = (float(found.group(1)), float(found.group(2))) if found else (3.0, 1.0)
    ratio = width / height if height else 3.0
    h_mm = 20.0
    page = f"@page {{ size: {h_mm * ratio:.2f}mm {h_mm}mm; margin: 0 }} body {{ margin: 0 }} img {{ width: 100%; height: 100%; display: block }}"
    html = f'<html><head><style>{page}</style></head><body><img src="{Logo(svg, "image/svg+xml").data_uri}"></body></html>'
    pdf = HTML(string=html, url_fetcher=AssetFetcher()).write_pdf()
    return pdf_page_png(pdf, 1, dpi=max(1, min(MAX_DPI, round(height_px / (h_mm / 25.4)))))
