"""Visible signature stamp: drawn by the letter's own engine with an embedded Liberation font, imported as a
static stamp.

pyHanko's own text stamps use Courier without embedding it (breaks PDF/A) and mis-measure TrueType text,
so the box is laid out as HTML by WeasyPrint (or, for a letter laid out by Typst, by render/typst.py's
`stamp.typ`: a Typst process then never imports WeasyPrint) and its single page is imported as a form XObject.
"""
from __future__ import annotations

import binascii
import functools
import html
import io
import threading
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.stamp import StaticStampStyle

from ..errors import ConfigurationError
from .options import StampSpec

_FONT_FILES = {"sans": "LiberationSans", "serif": "LiberationSerif"}
_FONT_DIRS = (
    Path(__file__).resolve().parents[1] / "templates" / "shared" / "fonts",  # packaged with the code
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)


def _font_file(family: str, style: str) -> Path:
    name = f"{_FONT_FILES[family]}-{style}.ttf"
    for folder in _FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise ConfigurationError(f"font {name} not found (looked in {', '.join(map(str, _FONT_DIRS))})")


def stamp_lines(spec: StampSpec, signer_name: str, reason: str | None, when: datetime) -> list[tuple[str, str]]:
    """The stamp's text as (css class, text) pairs; exposed so tests can compare with extracted text."""
    local = when.astimezone(ZoneInfo(spec.timezone))
    lines = [("title", spec.title), ("name", spec.signer_name or signer_name),
             ("meta", f"{spec.date_label}: {local.strftime(spec.date_format)}")]
    if reason:
        lines.append(("meta", f"{spec.reason_label}: {reason}"))
    lines.extend(("extra", text) for text in spec.extra_lines)
    return lines


def _font_size(spec: StampSpec, lines: int) -> float:
    """Points: as large as the box allows for this many lines, between 4 and 9 (the same in both engines)."""
    x1, y1, x2, y2 = spec.box
    w, h = x2 - x1, y2 - y1
    return max(4.0, min(9.0, (h - 8) / (lines * 1.3), (w - 12) / 24))


def _html(spec: StampSpec, lines: list[tuple[str, str]]) -> str:
    x1, y1, x2, y2 = spec.box
    w, h = x2 - x1, y2 - y1
    size = _font_size(spec, len(lines))
    faces = "".join(
        f"@font-face {{ font-family: StampFont; font-weight: {wt}; src: url('{_font_file(spec.font, st).as_uri()}'); }}"
        for wt, st in (("normal", "Regular"), ("bold", "Bold")))
    body = "".join(f'<div class="{cls}">{html.escape(text)}</div>' for cls, text in lines)
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
{faces}
@page {{ size: {w}pt {h}pt; margin: 0 }}
html, body {{ margin: 0; padding: 0 }}
.box {{ box-sizing: border-box; width: {w}pt; height: {h}pt; overflow: hidden;
  background: {spec.background_color}; color: {spec.text_color};
  border: 0.8pt solid {spec.primary_color}; border-left: 3.5pt solid {spec.accent_color};
  padding: 3pt 5pt; font-family: StampFont; font-size: {size:.2f}pt; line-height: 1.25 }}
.box div {{ white-space: nowrap; overflow: hidden; text-overflow: ellipsis }}
.title {{ color: {spec.primary_color}; font-weight: bold }}
.name {{ font-weight: bold; font-size: 1.1em }}
</style></head><body><div class="box">{body}</div></body></html>"""


@functools.lru_cache(maxsize=64)
def _render(markup: str) -> bytes:
    import weasyprint

    pdf: bytes = weasyprint.HTML(string=markup).write_pdf()
    return pdf


def render_stamp_pdf(spec: StampSpec, signer_name: str, reason: str | None, when: datetime) -> bytes:
    """A one-page PDF exactly the size of the box, drawn by `spec.engine` (cached: a batch re-uses the same
    minute's stamp)."""
    lines = stamp_lines(spec, signer_name, reason, when)
    if spec.engine == "typst":
        from ..render.typst import render_stamp

        x1, y1, x2, y2 = spec.box
        return render_stamp(lines, width=x2 - x1, height=y2 - y1, size=_font_size(spec, len(lines)), font=spec.font,
                            colors={"primary": spec.primary_color, "accent": spec.accent_color,
                                    "text": spec.text_color, "background": spec.background_color})
    return _render(_html(spec, lines))


_reader_lock = threading.Lock()


@functools.lru_cache(maxsize=8)
def _stamp_reader(data: bytes) -> PdfFileReader:
    """The stamp PDF parsed once: a batch signs many letters with the same minute's stamp, and parsing its
    embedded font again for each signature cost about half of the signing time."""
    return PdfFileReader(io.BytesIO(data))


class _ImportedPdfBytes(content.PdfContent):
    """Like pyHanko's ImportedPdfPage, but from bytes in memory (no temporary file per letter)."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data

    def render(self) -> bytes:
        writer = self._ensure_writer
        with _reader_lock:  # a cached reader seeks in its buffer: one import at a time
            xobj = writer.import_page_as_xobject(_stamp_reader(self._data), page_ix=0)
        name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[name.decode("ascii")] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name + b" Do"


def stamp_style(stamp_pdf: bytes) -> StaticStampStyle:
    return StaticStampStyle(
        background=_ImportedPdfBytes(stamp_pdf),
        border_width=0,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0)),
    )
