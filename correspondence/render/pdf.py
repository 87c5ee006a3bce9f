"""PDF rendering with WeasyPrint: one HTML/CSS layout, packaged fonts, PDF/A-3b on request.

The font configuration and the parsed stylesheet (with its @font-face rules) are built once per process
and reused: parsing them costs tens of milliseconds per render otherwise.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from weasyprint import CSS, HTML, Attachment
from weasyprint.urls import URLFetcher
from weasyprint.text.fonts import FontConfiguration

from ..templates import shared_dir
from .assets import AssetFetcher
from .document import Document

PX_TO_PT = 0.75  # CSS px are 1/96 in, PDF points 1/72 in
_lock = threading.Lock()


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


@lru_cache(maxsize=1)
def _layout_environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(loader=FileSystemLoader(str(shared_dir() / "layouts")), autoescape=True,
                                undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def _stylesheet() -> tuple[FontConfiguration, CSS]:
    fonts = FontConfiguration()
    css_path = shared_dir() / "layouts" / "letter.css"
    css = CSS(string=css_path.read_text(encoding="utf-8"), base_url=css_path.as_uri(),
              url_fetcher=AssetFetcher(), font_config=fonts)
    return fonts, css


@dataclass(frozen=True)
class EmbeddedFile:
    """A file embedded in the PDF as an associated file (PDF/A-3: /AF with /AFRelationship)."""

    filename: str
    data: bytes
    media_type: str
    description: str = ""
    relationship: str = "Source"  # Source | Data | Alternative | Supplement | Unspecified


def html_for(doc: Document) -> str:
    return _layout_environment().get_template("letter.html.j2").render(doc=doc)


def render_pdf(doc: Document, *, pdfa: bool | None = None, attachments: tuple[EmbeddedFile, ...] = ()) -> RenderedPdf:
    """Render a composed document. `pdfa` defaults to the case option, and to on for legal notices;
    `attachments` are embedded byte for byte (with PDF/A-3 each becomes an associated file of the document)."""
    if pdfa is None:
        pdfa = doc.case.options.pdfa if doc.case.options.pdfa is not None else doc.case.kind.value == "legal_notice"
    fonts, css = _stylesheet()
    html = HTML(string=html_for(doc), base_url=(shared_dir() / "layouts").as_uri() + "/", url_fetcher=AssetFetcher())
    options = {"pdf_variant": "pdf/a-3b"} if pdfa else {}
    with _lock:  # WeasyPrint's shared font configuration is not thread-safe
        document = html.render(stylesheets=[css], font_config=fonts, **options)
        box = _signature_box(document)
        data = document.write_pdf(
            uncompressed_pdf=False, custom_metadata=False, **options,
            pdf_identifier=None, attachments=[_attachment(a, doc.case.date) for a in attachments] or None,
            finisher=_unique_associated_files if attachments else None,
        )
    return RenderedPdf(data=data, pages=len(document.pages), signature_box=box, pdfa=bool(pdfa))


def _unique_associated_files(document, pdf) -> None:
    """WeasyPrint lists each PDF/A-3 associated file twice in the catalog's /AF; keep one of each."""
    refs = pdf.catalog.get("AF")
    if refs is not None:
        unique = list(dict.fromkeys(refs))
        refs.clear()
        refs.extend(unique)


def _attachment(file: EmbeddedFile, when) -> Attachment:
    import base64
    import datetime as dt

    stamp = dt.datetime.combine(when, dt.time(12, 0), tzinfo=dt.timezone.utc)
    url = f"data:{file.media_type};base64,{base64.b64encode(file.data).decode()}"
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=True)  # bytes given, no I/O
    return Attachment(url=url, url_fetcher=fetcher, name=file.filename, description=file.description,
                      created=stamp, modified=stamp, relationship=file.relationship)


def _signature_box(document) -> SignatureBox | None:
    for index in range(len(document.pages) - 1, -1, -1):
        page = document.pages[index]
        for box in page._page_box.descendants():
            if getattr(box, "element", None) is not None and box.element.get("id") == "signature-box" \
                    and box.element_tag == "div":
                height_pt = page.height * PX_TO_PT
                x1 = box.border_box_x() * PX_TO_PT
                top = box.border_box_y() * PX_TO_PT
                width = box.border_width() * PX_TO_PT
                height = box.border_height() * PX_TO_PT
                return SignatureBox(index, (x1, height_pt - top - height, x1 + width, height_pt - top))
    return None
