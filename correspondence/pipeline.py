"""The one core behind the CLI, the library and the API: case -> figures -> wording -> render -> sign.

`produce` returns the bytes of the finished document; signing is optional and reuses a loaded key, so a
batch signs many letters with one key load.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from .errors import InputError
from .model import Case, Jurisdiction
from .model.jurisdiction import rules_for
from .render import FORMATS, compose_document
from .render.brandkit import BrandKit
from .wording.overrides import WordingOverride
from .render.result import RenderedPdf, SignatureBox
from .settings import settings
from .sign import (
    EmptyField, KeySource, Level, SigningKey, SignOptions, StampSpec, add_signature_field, open_key, sign_pdf,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Signing:
    """How to sign rendered PDFs: a key loaded once, a PAdES level, a TSA for B-T and above."""

    key: SigningKey
    level: Level = Level.B_B
    tsa_url: Optional[str] = None
    visible: bool = True
    certify: bool = False

    def check_signer(self) -> None:
        """Refuse an expired, revoked or untrusted signer now, as the first letter would (`InputError` naming
        `signer`): a campaign checks once before any work, and the workers it forks inherit the check."""
        from .sign.sync import run_sync

        run_sync(self.key.ensure_valid(SignOptions(level=self.level, tsa_url=self.tsa_url)))


def sign_options(case: Case, box: SignatureBox | None, signing: Signing, engine: str = "weasyprint") -> SignOptions:
    """Signature options for a rendered letter: a stamp in the brand's colours over the signature block, drawn
    by the engine that laid the letter out."""
    pack_labels = _stamp_labels(case)
    stamp = None
    if signing.visible and box is not None:
        x1, y1, x2, y2 = box.box
        stamp = StampSpec.for_brand(
            case.brand, (x1, y1, x2, y2), page=box.page,
            title=pack_labels["title"], date_label=pack_labels["date"], reason_label=pack_labels["reason"],
            timezone=rules_for(case.jurisdiction or Jurisdiction.IT).zone.key,
            date_format="%d/%m/%Y %H:%M %Z", engine=engine,
        )
    reason = " ".join(x for x in (pack_labels["document"], case.reference) if x)
    return SignOptions(level=signing.level, tsa_url=signing.tsa_url, reason=reason, location=case.place,
                       stamp=stamp, certify=signing.certify)


def _stamp_labels(case: Case) -> dict[str, str]:
    from .wording import language_pack

    pack = language_pack(case.language.value)
    return {"title": pack.label("signature_stamp", "title"), "date": pack.label("signature_stamp", "date"),
            "reason": pack.label("signature_stamp", "reason"), "document": pack.label("document_title", case.kind.value)}


@dataclass(frozen=True)
class Rendering:
    """A case rendered once: the bytes, and for PDFs where the signature goes, so that signing later (here
    or in a desktop tool) signs exactly these bytes with the stamp where the layout reserved room."""

    data: bytes
    fmt: str
    signature_box: Optional[SignatureBox] = None
    pdfa: bool = False
    engine: str = "weasyprint"  # the PDF's layout engine; its signature stamp is drawn by the same one


class Composed:
    """A case composed once (figures, wording, tables), ready to be rendered in each format and signed.

    >>> letter = compose(case)
    >>> pdf, docx = letter.pdf(), letter.docx()
    >>> signed = letter.sign(signing)          # signs exactly pdf.data: the result begins with it
    """

    def __init__(self, case: Case, *, base_dir: Path | None = None, wording_dir: Path | WordingOverride | None = None,
                 pdfa: bool | None = None, kit: BrandKit | None = None, engine: str = "weasyprint") -> None:
        from .render.engines import check_engine

        self.engine = check_engine(engine)
        self.document = compose_document(case, base_dir=base_dir, wording_dir=wording_dir, kit=kit)
        if self.engine == "typst" and self.document.pdf_letterhead:  # letter.typ would draw its own letterhead
            raise InputError("--engine", "a brand with a PDF letterhead (letterhead_pdf) is laid out with WeasyPrint; "
                                         "leave out --engine typst")
        self.case = self.document.case  # with the resolved brand (the stamp takes its colours)
        self._pdfa = pdfa
        self._pdf: Rendering | None = None
        self._compact: bool | None = None  # the PDF's layout decision, shared with the DOCX

    def pdf(self) -> Rendering:
        """The PDF (PDF/A-3b by default for legal notices) with its empty signature field; rendered once."""
        if self._pdf is None:
            if self.engine == "typst":
                from .render.typst import render_typst

                self.use_layout(render_typst(self.document, pdfa=self._pdfa))
            else:  # imported here: a Typst process never loads WeasyPrint
                from .render.pdf import render_pdf

                self.use_layout(render_pdf(self.document, pdfa=self._pdfa))
        assert self._pdf is not None
        return self._pdf

    @property
    def pdfa(self) -> bool | None:
        """PDF/A as asked when composing (None: as the case and its kind say, `render.result.wants_pdfa`)."""
        return self._pdfa

    def use_layout(self, laid_out: RenderedPdf) -> None:
        """Take the PDF of this document as laid out elsewhere, by this composition's engine: a campaign lays
        many letters out in one pass (render/typst_many.py) and hands each composition its own."""
        rendered = with_signature_field(self.case, laid_out)
        self._pdf = Rendering(rendered.data, "pdf", rendered.signature_box, rendered.pdfa, self.engine)
        if self.engine == "weasyprint":  # the DOCX follows the WeasyPrint layout decision (compact_layout)
            self._compact = rendered.compact

    def docx(self) -> Rendering:
        """The DOCX; its thumbnail is page 1 of the PDF when that was rendered already, and it takes the PDF's
        layout (compact or not) without laying the PDF out again."""
        from .render.docx import render_docx  # here: python-docx is loaded only when a DOCX is made

        thumbnail = None
        if self._pdf is not None:
            from .render.preview import pdf_page_png

            thumbnail = pdf_page_png(self._pdf.data, 1, dpi=24)
        return Rendering(render_docx(self.document, thumbnail=thumbnail, compact=self._compact), "docx")

    def html(self) -> Rendering:
        """The self-contained HTML the PDF is made from (CSS inline, fonts and images as data: URIs)."""
        from .render.html import render_html

        return Rendering(render_html(self.document), "html")

    def render(self, fmt: str) -> Rendering:
        if fmt not in FORMATS:
            raise InputError("format", f"'{fmt}' is not one of {', '.join(FORMATS)}")
        return self.pdf() if fmt == "pdf" else self.docx()

    def sign(self, signing: Signing) -> bytes:
        return sign_rendering(self.case, self.pdf(), signing)


def compose(case: Case, *, base_dir: Path | None = None, wording_dir: Path | WordingOverride | None = None,
            pdfa: bool | None = None, kit: BrandKit | None = None, engine: str = "weasyprint") -> Composed:
    """Compose a case once; render it as PDF and DOCX and sign the PDF from the same composition.
    `kit` is the resolved brand (`correspondence.brands.resolve_brand`, or the tenant's stored brand);
    `engine` lays the PDF out with WeasyPrint (the default) or Typst (render/typst.py: faster)."""
    return Composed(case, base_dir=base_dir, wording_dir=wording_dir, pdfa=pdfa, kit=kit, engine=engine)


def render(case: Case, fmt: str, *, base_dir: Path | None = None, pdfa: bool | None = None,
           wording_dir: Path | WordingOverride | None = None, kit: BrandKit | None = None,
           engine: str = "weasyprint") -> Rendering:
    """Render a case to PDF (with its empty signature field) or DOCX."""
    if fmt not in FORMATS:
        raise InputError("format", f"'{fmt}' is not one of {', '.join(FORMATS)}")
    rendering = compose(case, base_dir=base_dir, wording_dir=wording_dir, pdfa=pdfa, kit=kit,
                        engine=engine).render(fmt)
    log.debug("rendered %s %s (%s, %s): %d bytes", case.kind.value, fmt, case.language.value, case.tone.value,
              len(rendering.data))
    return rendering


def sign_rendering(case: Case, rendering: Rendering, signing: Signing) -> bytes:
    """PAdES-sign a rendered PDF: an incremental update, so the result begins with `rendering.data`."""
    if rendering.fmt != "pdf":
        raise InputError("sign", "only PDF output is signed here; sign a DOCX as CAdES .p7m with `correspondence sign`")
    options = sign_options(case, rendering.signature_box, signing, rendering.engine)
    signed: bytes = sign_pdf(signing.key, rendering.data, options)
    log.debug("signed %s at PAdES %s: %d bytes", case.kind.value, signing.level.value, len(signed))
    return signed


def produce(case: Case, fmt: str, *, base_dir: Path | None = None, pdfa: bool | None = None,
            wording_dir: Path | WordingOverride | None = None, signing: Signing | None = None, kit: BrandKit | None = None,
            engine: str = "weasyprint") -> bytes:
    """Render a case to PDF or DOCX; PDFs are signed (PAdES) when `signing` is given."""
    if signing is not None and fmt != "pdf":
        raise InputError("sign", "only PDF output is signed here; sign a DOCX as CAdES .p7m with `correspondence sign`")
    # signed at once: the signature creates its field over the reserved box in the same incremental update,
    # so the empty field (an update of its own, for signing later) is not drawn first
    composed = compose(case if signing is None else signed_at_once(case), base_dir=base_dir,
                       wording_dir=wording_dir, pdfa=pdfa, kit=kit, engine=engine)
    rendering = composed.render(fmt)
    return rendering.data if signing is None else sign_rendering(composed.case, rendering, signing)


def signed_at_once(case: Case) -> Case:
    """The case without the empty signature field, for a letter signed as soon as it is laid out."""
    return case.model_copy(update={"options": case.options.model_copy(update={"signature_field": False})})


SIGNATURE_FIELD = "Signature1"


def with_signature_field(case: Case, rendered: RenderedPdf) -> RenderedPdf:
    """Add the empty signature field over the room the layout reserved (unless the case opts out), so the
    letter can be signed later, here or in a desktop signing tool, with the stamp where it belongs."""
    if not case.options.signature_field or rendered.signature_box is None:
        return rendered
    box = rendered.signature_box
    data = add_signature_field(rendered.data, EmptyField(SIGNATURE_FIELD, box=box.box, page=box.page))
    return dataclasses.replace(rendered, data=data)


@lru_cache(maxsize=1)
def server_key() -> SigningKey:
    """The service's signing key, loaded once per process: $CORRESPONDENCE_SIGNING_P12 (password from
    $CORRESPONDENCE_SIGNING_P12_PASSWORD_FILE or $CORRESPONDENCE_P12_PASSWORD), else the demo certificate."""
    config = settings()
    return open_key(KeySource(p12=config.signing_p12, p12_password_file=config.signing_p12_password_file))


def server_signing(level: str = "B-B") -> Signing:
    """Signing as configured for the service; B-T and above need $CORRESPONDENCE_TSA_URL."""
    return Signing(key=server_key(), level=Level.parse(level), tsa_url=settings().tsa_url)
