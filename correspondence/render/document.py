"""The layout-neutral document: what the PDF and DOCX layouts both print, computed once.

Building it is the only place where case data, figures and wording meet; the layouts then iterate over
the same blocks and tables, so both formats carry identical content.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from pathlib import Path

from ..errors import InputError
from ..figures import Prescription, Statement
from ..model import Brand, Case
from ..wording import Block, LanguagePack
from .images import check_image
from .svg import looks_like_svg, sanitize_svg

if TYPE_CHECKING:
    from .brandkit import BrandKit
    from .fonts import FontFace

MAX_LOGO_BYTES = 2 * 1024 * 1024
_IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # right-aligned columns
    footer: tuple[str, ...] = ()


@dataclass(frozen=True)
class Logo:
    data: bytes
    media_type: str

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode()}"


@dataclass
class Document:
    case: Case
    pack: LanguagePack
    statement: Statement
    prescription: Prescription
    blocks: list[Block]
    title: str
    letterhead_name: str
    letterhead_lines: list[str]
    return_line: str
    recipient_lines: list[str]
    delivery_line: str | None
    place_date: str
    reference: str | None
    tables: dict[str, Table]
    totals: list[tuple[str, str, bool]]
    total_in_words: str
    signature_lines: list[str]
    footer: str
    logo: Logo | None
    window: str
    page_label: str = "{page}/{pages}"  # continuation header: "Pagina {page} di {pages}"
    company_lines: list[str] = field(default_factory=list)  # legal mentions of the issuing company
    kit: "BrandKit | None" = None  # the resolved brand with its checked assets
    brand_signs: bool = False  # the brand's signatory signs (the case named none): its handwritten image too

    @property
    def brand(self) -> Brand:
        return self.case.brand

    @property
    def pdf_letterhead(self) -> bool:
        """A PDF letterhead is laid under the pages: the layout draws no letterhead, footer or sender line."""
        return bool(self.kit and self.kit.letterhead_pdf)

    @property
    def fonts(self) -> tuple["FontFace", ...]:
        return self.kit.fonts if self.kit else ()

    @property
    def signature_image(self) -> Logo | None:
        """The brand's handwritten signature, only under its own signatory's name."""
        return self.kit.signature if self.kit and self.brand_signs else None

    @property
    def font_family(self) -> str | None:
        """The brand's own family when its regular face was given (the packaged one is the fallback)."""
        return self.brand.fonts.family if self.brand.fonts and self.fonts else None

    @property
    def is_letter(self) -> bool:
        return self.case.kind.is_letter


def load_logo(path: str | None, base_dir: Path | None) -> Logo | None:
    """Read a case file's logo ourselves (PNG, JPEG or SVG, size-limited) so the renderer never opens files."""
    if not path:
        return None
    if "://" in path or path.startswith("data:"):
        raise InputError("brand.logo", "must be a path to a local PNG, JPEG or SVG file, not a URL")
    file = Path(path)
    if not file.is_absolute() and base_dir is not None:
        file = base_dir / file
    try:
        with file.open("rb") as fh:
            data = fh.read(MAX_LOGO_BYTES + 1)
    except OSError as exc:
        raise InputError("brand.logo", f"cannot read {path}: {exc.strerror}") from None
    return check_logo(data)


def check_logo(data: bytes, *, field: str = "brand.logo", notes: list[str] | None = None,
               raster_only: bool = False) -> Logo:
    """A PNG or JPEG checked for type and pixel dimensions, or an SVG rebuilt from safe elements only."""
    if len(data) > MAX_LOGO_BYTES:
        raise InputError(field, f"image is larger than {MAX_LOGO_BYTES // 1024 // 1024} MiB")
    media_type = next((t for magic, t in _IMAGE_MAGIC.items() if data.startswith(magic)), None)
    if media_type is None and not raster_only and looks_like_svg(data):
        clean, dropped = sanitize_svg(data, field=field)
        if notes is not None and dropped:
            notes.append(f"{field}: removed from the SVG: {', '.join(dropped)}")
        return Logo(clean, "image/svg+xml")
    if media_type is None:
        raise InputError(field, "not a PNG or JPEG image" if raster_only else "not a PNG, JPEG or SVG image")
    check_image(data, media_type, field=field)
    return Logo(data, media_type)
