"""Brand fonts from tenants: TTF, OTF or WOFF2 only, size-limited, parsed with fontTools before use.

The PDF embeds them through `@font-face` data URIs (WeasyPrint subsets them); the DOCX embeds the sfnt
form as obfuscated font parts (ECMA-376 Part 1, 17.8.1) when the font's licence allows embedding (OS/2
fsType), and otherwise names the packaged fallback.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from ..errors import InputError

MAX_FONT_BYTES = 5 * 1024 * 1024
MAX_FONT_FILES = 4
_MAGIC = {b"\x00\x01\x00\x00": "font/ttf", b"true": "font/ttf", b"OTTO": "font/otf", b"wOF2": "font/woff2"}
STYLES = {"regular": ("normal", "normal"), "bold": ("bold", "normal"), "italic": ("normal", "italic"),
          "bold_italic": ("bold", "italic")}
RESTRICTED_LICENSE = 0x0002  # OS/2 fsType bit 1: must not be embedded


@dataclass(frozen=True)
class FontFace:
    """One checked face of a brand family: the uploaded bytes (for CSS) and their sfnt form (for DOCX)."""

    family: str
    style: str  # regular | bold | italic | bold_italic
    data: bytes
    media_type: str
    sfnt: bytes
    embeddable: bool

    @property
    def weight(self) -> str:
        return STYLES[self.style][0]

    @property
    def font_style(self) -> str:
        return STYLES[self.style][1]

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode()}"


def check_font(data: bytes, *, family: str, style: str, field: str) -> FontFace:
    """Refuse anything but a parseable TTF/OTF/WOFF2 of at most 5 MiB with a character map."""
    from fontTools.ttLib import TTFont, TTLibError

    if len(data) > MAX_FONT_BYTES:
        raise InputError(field, f"font is larger than {MAX_FONT_BYTES // 1024 // 1024} MiB")
    media_type = _MAGIC.get(data[:4])
    if media_type is None:
        raise InputError(field, "not a TTF, OTF or WOFF2 font")
    try:
        font = TTFont(io.BytesIO(data), lazy=False)
        if "cmap" not in font or font["cmap"].getBestCmap() is None:
            raise InputError(field, "font has no Unicode character map")
        fs_type = font["OS/2"].fsType if "OS/2" in font else 0
        font.flavor = None  # WOFF2 -> plain sfnt, for Word
        out = io.BytesIO()
        font.save(out)
    except InputError:
        raise
    except (TTLibError, Exception) as exc:  # fontTools raises many types on damaged tables
        raise InputError(field, f"not a valid font ({type(exc).__name__})") from None
    return FontFace(family, style, data, media_type, out.getvalue(), not fs_type & RESTRICTED_LICENSE)
