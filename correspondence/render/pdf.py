"""PDF rendering with WeasyPrint: one HTML/CSS layout, packaged fonts, PDF/A-3b on request.

The font configuration and the parsed stylesheet (with its @font-face rules) are built once per process
and reused: parsing them costs tens of milliseconds per render otherwise.
"""
from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any
from functools import lru_cache

from jinja2 import FileSystemLoader, StrictUndefined
from markupsafe import Markup
from jinja2.sandbox import SandboxedEnvironment
from weasyprint import CSS, HTML, Attachment
from weasyprint.document import Document as WeasyDocument
from weasyprint.urls import URLFetcher
from weasyprint.text.fonts import FontConfiguration

from ..packaged import shared_dir
from .assets import AssetFetcher
from .document import Document
from .result import (  # noqa: F401  (re-exported: the types' historical home)
    COMPACT_KINDS, LAID_OUT, SIGNATURE_ANCHOR, EmbeddedFile, RenderedPdf, SignatureBox, one_page_if_it_fits,
    wants_pdfa)

PX_TO_PT = 0.75  # CSS px are 1/96 in, PDF points 1/72 in
_lock = threading.Lock()


def css_counters(label: str) -> Markup:
    """A page label such as "Pagina {page} di {pages}" as a CSS `content` value with page counters;
    the text parts are CSS-escaped so a label can never break out of the style sheet."""
    def text(part: str) -> str:
        return '"' + "".join(ch if ch.isalnum() or ch in " .,:;-/" else f"\\{ord(ch):x} " for ch in part) + '"'

    parts = []
    for i, chunk in enumerate(label.split("{pages}")):
        if i:
            parts.append("counter(pages)")
        for j, piece in enumerate(chunk.split("{page}")):
            if j:
                parts.append("counter(page)")
            if piece:
                parts.append(text(piece))
    return Markup(" ".join(parts) or '""')


@lru_cache(maxsize=1)
def _layout_environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=FileSystemLoader(str(shared_dir() / "layouts")), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["css_counters"] = css_counters
    return env


@lru_cache(maxsize=1)
def _stylesheet() -> tuple[FontConfiguration, CSS]:
    fonts = FontConfiguration()
    css_path = shared_dir() / "layouts" / "letter.css"
    css = CSS(string=css_path.read_text(encoding="utf-8"), base_url=css_path.as_uri(),
              url_fetcher=AssetFetcher(), font_config=fonts)
    return fonts, css


def html_for(doc: Document, *, compact: bool = False) -> str:
    return _layout_environment().get_template("letter.html.j2").render(doc=doc, compact=compact)


def render_pdf(doc: Document, *, pdfa: bool | None = None, attachments: tuple[EmbeddedFile, ...] = ()) -> RenderedPdf:
    """Render a composed document. `pdfa` defaults to the case option, and to on for legal notices;
    `attachments` are embedded byte for byte (with PDF/A-3 each becomes an associated file of the document).

    A reminder that spills onto a second page is laid out once more in the compact layout (9.5 pt body
    instead of 10, 7 pt notes, tighter gaps, the closing beside the signature): a one-page reminder is what a
    practitioner signs and sends, and the second layout is kept only if it does fit on one page.
    `RenderedPdf.compact` says which layout was kept; `render_docx` takes the same decision (`compact_layout`).
    """
    archival = wants_pdfa(doc, pdfa)
    rendered = one_page_if_it_fits(doc, lambda compact: _render(doc, pdfa=archival, compact=compact,
                                                                attachments=attachments))
    if doc.kit is not None and doc.kit.letterhead_pdf:  # the stationery under each page, before any signature
        from .pdf_letterhead import lay_under

        rendered = replace(rendered, data=lay_under(rendered.data, doc.kit.letterhead_pdf))
    return rendered


def compact_layout(doc: Document) -> bool:
    """Whether `render_pdf` keeps the compact layout for `doc`: a reminder whose 10 pt layout runs to two
    pages and whose compact layout fits one. Lays the HTML out without writing a PDF (the DOCX asks this when
    no PDF was rendered, so both formats of a letter take the same layout)."""
    if doc.case.kind not in COMPACT_KINDS:
        return False
    return _pages(doc, compact=False) == 2 and _pages(doc, compact=True) == 1


def _pages(doc: Document, *, compact: bool) -> int:
    fonts, css = _stylesheet()
    html = HTML(string=html_for(doc, compact=compact), base_url=(shared_dir() / "layouts").as_uri() + "/",
                url_fetcher=AssetFetcher())
    with _lock:
        return len(html.render(stylesheets=[css], font_config=fonts).pages)


def _render(doc: Document, *, pdfa: bool, compact: bool, attachments: tuple[EmbeddedFile, ...] = ()) -> RenderedPdf:
    fonts, css = _stylesheet()
    html = HTML(string=html_for(doc, compact=compact), base_url=(shared_dir() / "layouts").as_uri() + "/",
                url_fetcher=AssetFetcher())
    options = {"pdf_variant": "pdf/a-3b"} if pdfa else {}
    with _lock:  # WeasyPrint's shared font configuration is not thread-safe
        document = html.render(stylesheets=[css], font_config=fonts, **options)
        box = _signature_box(document)
        boxes = {name: found for name in LAID_OUT if (found := anchor_box(document, name)) is not None}
        data = document.write_pdf(
            uncompressed_pdf=False, custom_metadata=False, **options,
            pdf_identifier=None, attachments=[_attachment(a, doc.case.date) for a in attachments] or None,
            finisher=_unique_associated_files if attachments else None,
        )
    return RenderedPdf(data=data, pages=len(document.pages), signature_box=box, pdfa=pdfa, boxes=boxes,
                       compact=compact)


def _unique_associated_files(document: WeasyDocument, pdf: Any) -> None:
    """WeasyPrint lists each PDF/A-3 associated file twice in the catalog's /AF; keep one of each."""
    refs = pdf.catalog.get("AF")
    if refs is not None:
        unique = list(dict.fromkeys(refs))
        refs.clear()
        refs.extend(unique)


def _attachment(file: EmbeddedFile, when: Any) -> Attachment:
    import base64
    import datetime as dt

    stamp = dt.datetime.combine(when, dt.time(12, 0), tzinfo=dt.timezone.utc)
    url = f"data:{file.media_type};base64,{base64.b64encode(file.data).decode()}"
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=True)  # bytes given, no I/O
    return Attachment(url=url, url_fetcher=fetcher, name=file.filename, description=file.description,
                      created=stamp, modified=stamp, relationship=file.relationship)


def anchor_box(document: WeasyDocument, name: str) -> SignatureBox | None:
    """Where the element with id `name` landed (last page holding it), from WeasyPrint's public
    `Page.anchors` (CSS px from the top-left: x1, y1, x2, y2) turned into PDF points from the bottom-left."""
    for index in range(len(document.pages) - 1, -1, -1):
        page = document.pages[index]
        found = page.anchors.get(name)
        if found is None or len(found) != 4:
            continue
        x1, y1, x2, y2 = (float(v) * PX_TO_PT for v in found)
        height_pt = page.height * PX_TO_PT
        return SignatureBox(index, (x1, height_pt - y2, x2, height_pt - y1))
    return None


def _signature_box(document: WeasyDocument) -> SignatureBox | None:
    return anchor_box(document, SIGNATURE_ANCHOR)
