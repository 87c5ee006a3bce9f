"""A brand with its checked assets: what the layouts print, as validated bytes and nothing else.

Assets come from a brand's folder (the CLI's `brands/NAME/`) or from the tenant's stored brand (the API);
either way they are read and checked here (type by content, size, pixel dimensions, SVG sanitised, fonts
parsed) and reach the renderer only as bytes and data URIs: WeasyPrint and the DOCX layout open no file.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from ..errors import InputError
from ..model.brand import Brand
from .document import Logo, check_logo
from .fonts import MAX_FONT_FILES, FontFace, check_font

MAX_ASSET_BYTES = 10 * 1024 * 1024  # any file read; logos, fonts and letterheads have their own, lower limits
MAX_BRAND_BYTES = 30 * 1024 * 1024
MAX_ASSETS = 8


@dataclass(frozen=True)
class BrandKit:
    """A resolved brand: its fields, its checked assets, and which library version it is (if any)."""

    brand: Brand
    logo: Logo | None = None
    signature: Logo | None = None
    fonts: tuple[FontFace, ...] = ()
    letterhead_docx: bytes | None = None
    letterhead_pdf: bytes | None = None
    ref: str | None = None
    version: int | None = None
    digest: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)  # what sanitising dropped

    def made_from(self) -> dict[str, object]:
        """What a document records about the brand that produced it."""
        return {"ref": self.ref, "version": self.version, "sha256": self.digest}


def check_assets(brand: Brand, files: Mapping[str, bytes], *, field_prefix: str = "brand") -> BrandKit:
    """Check every asset `brand` names (`files` maps its file names to bytes) and build the kit."""
    names = brand.asset_names()
    if len(names) > MAX_ASSETS:
        raise InputError(field_prefix, f"at most {MAX_ASSETS} asset files")
    if brand.fonts and len(brand.fonts.files()) > MAX_FONT_FILES:
        raise InputError(f"{field_prefix}.fonts", f"at most {MAX_FONT_FILES} font files")
    total = 0
    for role, name in names.items():
        if name not in files:
            raise InputError(f"{field_prefix}.{_field(role)}", f"file '{name}' is missing")
        size = len(files[name])
        total += size
        if size > MAX_ASSET_BYTES:
            raise InputError(f"{field_prefix}.{_field(role)}", f"'{name}' is larger than {MAX_ASSET_BYTES >> 20} MiB")
    if total > MAX_BRAND_BYTES:
        raise InputError(field_prefix, f"assets total more than {MAX_BRAND_BYTES >> 20} MiB")
    notes: list[str] = []
    logo = check_logo(files[brand.logo], field=f"{field_prefix}.logo", notes=notes) if brand.logo else None
    signature = None
    if brand.signatory and brand.signatory.signature_image:
        signature = check_logo(files[brand.signatory.signature_image], field=f"{field_prefix}.signatory.signature_image",
                               notes=notes, raster_only=True)
    family = brand.fonts.family if brand.fonts else ""
    fonts = tuple(check_font(files[name], family=family, style=style, field=f"{field_prefix}.fonts.{style}")
                  for style, name in (brand.fonts.files().items() if brand.fonts else ()))
    docx = pdf = None
    if brand.letterhead_docx:
        from .docx_letterhead import check_letterhead_docx

        docx = files[brand.letterhead_docx]
        check_letterhead_docx(docx, field=f"{field_prefix}.letterhead_docx")
    if brand.letterhead_pdf:
        from .pdf_letterhead import check_letterhead_pdf

        pdf = files[brand.letterhead_pdf]
        check_letterhead_pdf(pdf, field=f"{field_prefix}.letterhead_pdf")
    return BrandKit(brand, logo, signature, fonts, docx, pdf, brand.ref, brand.version,
                    brand_digest(brand, {n: files[n] for n in names.values()}), tuple(notes))


def brand_digest(brand: Brand, files: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256(json.dumps(brand.model_dump(mode="json", exclude={"ref", "version"}),
                                       sort_keys=True).encode())
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def _field(role: str) -> str:
    if role.startswith("font_"):
        return f"fonts.{role[5:]}"
    return "signatory.signature_image" if role == "signature" else role


def read_brand_files(brand: Brand, folder: Path, *, field_prefix: str = "brand", confine: bool = True) -> dict[str, bytes]:
    """Read the files `brand` names from `folder`; with `confine` (a library brand) each must stay inside
    it (no `..`, no symlink out); a case file's own brand may name any local file, as before."""
    root = folder.resolve()
    out: dict[str, bytes] = {}
    for role, name in brand.asset_names().items():
        path = (folder / name).resolve()
        where = f"{field_prefix}.{_field(role)}"
        if "://" in name or name.startswith("data:"):
            raise InputError(where, "must be a file of the brand (PNG, JPEG or SVG for images), not a URL")
        if confine and not path.is_relative_to(root):
            raise InputError(where, f"'{name}' is outside the brand's folder")
        try:
            with path.open("rb") as fh:
                data = fh.read(MAX_ASSET_BYTES + 1)
        except OSError as exc:
            raise InputError(where, f"cannot read {name}: {exc.strerror}") from None
        if len(data) > MAX_ASSET_BYTES:
            raise InputError(where, f"'{name}' is larger than {MAX_ASSET_BYTES >> 20} MiB")
        out[name] = data
    return out


def inline_kit(brand: Brand, base_dir: Path | None) -> BrandKit:
    """The brand a case writes inline: a logo path relative to the case file (absolute paths allowed, as
    before), no other assets."""
    if brand.ref:
        raise InputError("brand.ref", f"names the library brand '{brand.ref}': render with --brand/--brands-dir "
                                      "(`correspondence render`), or through the API where the tenant's brands live")
    return check_assets(brand, read_brand_files(brand, base_dir or Path.cwd(), confine=False))
