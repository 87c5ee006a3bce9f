"""Preview images of a rendered PDF (PDFium via pypdfium2), shown before the document is stored."""
from __future__ import annotations

import base64
import io

MAX_PAGES = 4
SCALE = 1.3  # 72 dpi x 1.3: an A4 page about 770 px wide


def png_pages(pdf: bytes, *, max_pages: int = MAX_PAGES, scale: float = SCALE) -> list[bytes]:
    """The first pages of `pdf` as PNG images."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        out = []
        for index in range(min(len(document), max_pages)):
            page = document[index]
            image = page.render(scale=scale).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, "PNG", optimize=True)
            out.append(buffer.getvalue())
            page.close()
        return out
    finally:
        document.close()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
