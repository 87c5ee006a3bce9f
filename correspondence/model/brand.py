"""Per-client brand: it changes the layout (logo, colours, fonts, letterhead, footer, signatory), never the wording.

A case either writes its brand inline (the historical fields `name`, `letterhead_lines`, `footer`,
`primary_color`, `accent_color`, `font`, `window`, `logo`) or names a brand of the library (`brand: acme`,
or `brand: {ref: acme, version: 2}`): the library's `brand.yaml` then gives every field the case leaves out.

Company data on the letterhead follows the law on business correspondence: an Italian società di capitali
states its share capital actually paid up, its registered office and its register number (art. 2250 c.c.);
a Spanish company states its registration in the Registro Mercantil and its domicile (art. 24 Código de
Comercio).
"""
from __future__ import annotations

import re
from typing import Annotated, Any, Optional

from pydantic import Field, model_validator

from .base import FieldError, Model

FONT_FAMILIES = ("serif", "sans")
REF_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
FILE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$"  # a file of the brand's folder (never a URL)
#: Italian companies with a share capital (art. 2250 c.2 c.c.) and Spanish sociedades de capital
_IT_CAPITAL_COMPANY = re.compile(r"\b(s\.?\s?r\.?\s?l\.?s?|s\.?\s?p\.?\s?a\.?|s\.?\s?a\.?\s?p\.?\s?a\.?)\s*$", re.I)
_ES_COMPANY = re.compile(r"\b(s\.?\s?l\.?(\s?u\.?)?|s\.?\s?a\.?(\s?u\.?)?|s\.?\s?l\.?\s?l\.?)\s*$", re.I)

Line = Annotated[str, Field(max_length=200)]


class Company(Model):
    """The issuing company's legal data, printed in the footer of every page."""

    legal_name: str = Field(min_length=1, max_length=200)
    country: str = Field(default="IT", pattern=r"^(IT|ES)$")
    registered_office: Optional[str] = Field(default=None, max_length=300, description="Sede legale / domicilio social")
    tax_id: Optional[str] = Field(default=None, max_length=40, description="Codice fiscale / NIF")
    vat_id: Optional[str] = Field(default=None, max_length=40, description="Partita IVA")
    registry: Optional[str] = Field(default=None, max_length=200, description=(
        "IT: Registro delle Imprese / REA number; ES: Registro Mercantil, tomo, folio, hoja"))
    share_capital: Optional[str] = Field(default=None, max_length=80, description=(
        "Share capital as paid up (art. 2250 c.c.: required for S.p.A., S.r.l., S.a.p.a.), e.g. '€ 10.000,00 i.v.'"))
    sole_shareholder: bool = Field(default=False, description="Società unipersonale / sociedad unipersonal")
    in_liquidation: bool = False

    @model_validator(mode="after")
    def _legal_mentions(self) -> "Company":
        if self.country == "IT" and _IT_CAPITAL_COMPANY.search(self.legal_name):
            for name in ("share_capital", "registry", "registered_office"):
                if not getattr(self, name):
                    raise FieldError(name, "required on the letters of an Italian società di capitali (art. 2250 c.c.)")
        if self.country == "ES" and _ES_COMPANY.search(self.legal_name):
            for name in ("registry", "registered_office"):
                if not getattr(self, name):
                    raise FieldError(name, "required on the documents of a Spanish company (art. 24 Código de Comercio)")
        return self


class Margins(Model):
    """Paper margins in millimetres (the envelope window stays where the post expects it)."""

    top: float = Field(default=16, ge=8, le=40)
    right: float = Field(default=20, ge=8, le=40)
    bottom: float = Field(default=16, ge=8, le=40)
    left: float = Field(default=25, ge=8, le=40)


class BrandFonts(Model):
    """A brand's own typeface: TTF, OTF or WOFF2 files of the brand; the packaged `font` is the fallback."""

    family: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9 _-]+$")
    regular: str = Field(pattern=FILE_PATTERN)
    bold: Optional[str] = Field(default=None, pattern=FILE_PATTERN)
    italic: Optional[str] = Field(default=None, pattern=FILE_PATTERN)
    bold_italic: Optional[str] = Field(default=None, pattern=FILE_PATTERN)

    def files(self) -> dict[str, str]:
        """Style -> file name, for the styles given."""
        return {k: v for k in ("regular", "bold", "italic", "bold_italic") if (v := getattr(self, k))}


class BrandSignatory(Model):
    name: str = Field(min_length=1, max_length=200)
    role: Optional[str] = Field(default=None, max_length=200)
    signature_image: Optional[str] = Field(default=None, pattern=FILE_PATTERN,
                                           description="PNG of the handwritten signature, printed above the name")


class Brand(Model):
    ref: Optional[str] = Field(default=None, pattern=REF_PATTERN, description="A brand of the library (brands/NAME)")
    version: Optional[int] = Field(default=None, ge=1, le=1_000_000, description="Library version (default: the latest)")
    name: Optional[str] = Field(default=None, max_length=200, description="Letterhead name; defaults to the sender")
    letterhead_lines: list[Line] = Field(default_factory=list, max_length=6, description="Lines under the name")
    footer: Optional[str] = Field(default=None, max_length=400)
    primary_color: str = Field(default="#1F3A5F", pattern=r"^#[0-9A-Fa-f]{6}$")
    accent_color: str = Field(default="#8A6D3B", pattern=r"^#[0-9A-Fa-f]{6}$")
    font: str = Field(default="serif", pattern=r"^(serif|sans)$", description="Packaged font family (and fallback)")
    fonts: Optional[BrandFonts] = None
    window: Optional[str] = Field(
        default=None, pattern=r"^(left|right)$",
        description="Envelope window for the address; default right (IT) or left (ES)")
    logo: Optional[str] = Field(
        default=None, max_length=500,
        description="Path to a PNG, JPEG or SVG logo, relative to the case file (or the brand's folder); read "
                    "and checked by the library, never by the renderer")
    company: Optional[Company] = None
    signatory: Optional[BrandSignatory] = None
    margins: Optional[Margins] = None
    letterhead_docx: Optional[str] = Field(default=None, pattern=FILE_PATTERN, description=(
        "A Word letterhead (.docx) of the brand: DOCX letters are built on it (its headers, footers, page "
        "set-up and styles; our content in the body)"))
    letterhead_pdf: Optional[str] = Field(default=None, pattern=FILE_PATTERN, description=(
        "A PDF letterhead of the brand, one A4 page (every page) or two (the first, then the following "
        "pages), laid under each page of PDF letters in place of the drawn letterhead and footer"))

    @model_validator(mode="before")
    @classmethod
    def _named(cls, value: Any) -> Any:
        return {"ref": value} if isinstance(value, str) else value

    def asset_names(self) -> dict[str, str]:
        """Every file this brand refers to, by role (logo, signature, font_regular, ...)."""
        out = {"logo": self.logo} if self.logo else {}
        if self.signatory and self.signatory.signature_image:
            out["signature"] = self.signatory.signature_image
        if self.fonts:
            out.update({f"font_{k}": v for k, v in self.fonts.files().items()})
        for name in ("letterhead_docx", "letterhead_pdf"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out


#: fields a case may set over a library brand (asset files always come from the library)
ASSET_FIELDS = frozenset({"logo", "fonts", "signatory", "letterhead_docx", "letterhead_pdf"})


def merge_brand(library: Brand, case_brand: Brand, *, ref: str, version: int | None) -> Brand:
    """The library brand with the fields the case file set itself laid over it (never its asset files)."""
    update = {name: getattr(case_brand, name) for name in case_brand.model_fields_set
              if name not in ASSET_FIELDS | {"ref", "version"}}
    return library.model_copy(update={**update, "ref": ref, "version": version})
