"""Brand fixtures made on the spot: an SVG logo (with hostile parts to strip), a font renamed and packed
as WOFF2 from a packaged Liberation face, a signature PNG, and brand folders for the CLI."""
from __future__ import annotations

import io
from pathlib import Path

import yaml

from correspondence.packaged import shared_dir

HOSTILE_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 30" onload="alert(1)">
  <script>alert(1)</script>
  <style>@import url(http://127.0.0.1:9/x.css);</style>
  <image href="file:///etc/passwd" width="10" height="10"/>
  <use xlink:href="http://127.0.0.1:9/sprite.svg#a"/>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <rect width="30" height="30" fill="#0B6E4F" style="fill: url(file:///etc/passwd)"/>
  <circle cx="60" cy="15" r="12" fill="#0B6E4F"/>
</svg>"""

PLAIN_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 30"><rect width="30" height="30" fill="#0B6E4F"/>
<text x="40" y="22" font-size="18" fill="#0B6E4F">VERDI</text></svg>"""


def brand_font(family: str = "Verdana Brand", flavor: str | None = "woff2", style: str = "Regular") -> bytes:
    """A packaged Liberation Sans face under another family name (the name lands in the PDF)."""
    from fontTools.ttLib import TTFont

    face = {"Regular": "Regular", "Bold": "Bold"}[style]
    font = TTFont(str(shared_dir() / "fonts" / f"LiberationSans-{face}.ttf"))
    ps = family.replace(" ", "") + "-" + style
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID in (4,):
            record.string = f"{family} {style}"
        elif record.nameID == 6:
            record.string = ps
    font.flavor = flavor
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def signature_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 90), "white")
    ImageDraw.Draw(image).line([(10, 70), (80, 20), (150, 75), (290, 15)], fill=(10, 30, 120), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


GREEN = {
    "name": "Verdi & Associati", "letterhead_lines": ["Corso Venezia 10, 20121 Milano"],
    "primary_color": "#0B6E4F", "accent_color": "#F2A541", "font": "sans", "logo": "logo.svg",
    "fonts": {"family": "Verdana Brand", "regular": "brand.woff2", "bold": "brand-bold.ttf"},
    "company": {"legal_name": "Verdi Crediti S.p.A.", "registered_office": "Corso Venezia 10, 20121 Milano",
                "tax_id": "09876543210", "registry": "REA MI-7654321", "share_capital": "€ 120.000,00 i.v."},
    "signatory": {"name": "Dott. Paolo Verdi", "role": "Amministratore delegato", "signature_image": "firma.png"},
    "margins": {"top": 15, "right": 18, "bottom": 18, "left": 22},
}


def green_files(svg: bytes = HOSTILE_SVG) -> dict[str, bytes]:
    return {"logo.svg": svg, "brand.woff2": brand_font(), "brand-bold.ttf": brand_font(flavor=None, style="Bold"),
            "firma.png": signature_png()}


def write_brand(root: Path, name: str, fields: dict, files: dict[str, bytes]) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "brand.yaml").write_text(yaml.safe_dump(fields, allow_unicode=True), encoding="utf-8")
    for filename, data in files.items():
        (folder / filename).write_bytes(data)
    return folder
