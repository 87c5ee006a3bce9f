"""PDF rendering with Typst: the same Document as the WeasyPrint layout, several times faster per letter.

The layout is `templates/shared/typst/letter.typ`; the letter reaches it only as JSON in `sys.inputs`, and
the layout shows every string of it as text, so case data and wording can never become Typst markup (a
debtor named `#read("/etc/passwd")` prints those characters). The compiler's root is the layout's own
folder, system fonts are ignored (the packaged Liberation faces, the brand's checked faces as bytes) and
images travel inside the JSON as bytes: Typst opens no file but the layout and the packaged fonts.

What does not depend on the letter is built once per process and reused: the compiler with its parsed
fonts and layout (Typst also memoises the layout's evaluation between letters). Where the signature block
landed is read back from the layout (`metadata` labelled `<layout>`, a query on the compiled document), so
the empty signature field and the visible stamp go exactly where they go with WeasyPrint.

The visible signature stamp of a Typst letter is drawn here too (`render_stamp`, layout `stamp.typ`), so a
process that lays letters out with Typst and signs them never imports WeasyPrint.
"""
from __future__ import annotations

import atexit
import datetime as dt
import io
import json
import shutil
import tempfile
import threading
from pathlib import Path
from functools import lru_cache
from typing import Any, Mapping, Sequence

from ..errors import ConfigurationError, RenderingError
from ..packaged import shared_dir
from ..wording.paragraph import Runs
from .document import Document, Logo, Table
from .fonts import FontFace
from .result import LAID_OUT, EmbeddedFile, RenderedPdf, SignatureBox, one_page_if_it_fits, wants_pdfa
from .widths import WRAPPING_TEXT, text_mm

A4_HEIGHT_PT = 297 / 25.4 * 72
_FORMATS = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}
_lock = threading.Lock()
_ran = False  # Typst has compiled in this process: its thread pool is live, so a fork would hang (ran())


def ran() -> bool:
    """Whether this process has compiled a letter. Typst writes the PDF on a pool of threads started on first
    use; a process forked after that inherits the pool's state but not its threads and waits forever on its
    first letter, so such a process must start its workers with spawn (campaign/run.py)."""
    return _ran


def layout_dir() -> Path:
    return shared_dir() / "typst"


@lru_cache(maxsize=8)
def _fonts(folders: tuple[str, ...]) -> Any:
    """The faces of these folders, parsed once (the letter and the stamp compilers share the packaged ones)."""
    import typst

    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=list(folders))


@lru_cache(maxsize=8)
def _compiler(brand_fonts: tuple[bytes, ...], entry: str = "letter.typ") -> Any:
    """One compiler per set of brand faces and entry file (`letter.typ` one letter, `letters.typ` several):
    fonts parsed once, the layout read once (then memoised). The binding takes font folders only, so a
    brand's checked faces are written to a private folder holding nothing else (removed at exit)."""
    import typst

    folders = [str(shared_dir() / "fonts")]
    if brand_fonts:
        folders.append(_brand_font_folder(brand_fonts))
    return typst.Compiler(str(layout_dir() / entry), root=str(layout_dir()), font_paths=_fonts(tuple(folders)),
                          ignore_system_fonts=True)


@lru_cache(maxsize=8)
def _brand_font_folder(brand_fonts: tuple[bytes, ...]) -> str:
    folder = Path(tempfile.mkdtemp(prefix="correspondence-fonts-"))
    atexit.register(shutil.rmtree, folder, True)
    for i, data in enumerate(brand_fonts):
        (folder / f"brand-{i}.{'otf' if data[:4] == b'OTTO' else 'ttf'}").write_bytes(data)
    return str(folder)


@lru_cache(maxsize=1)
def _stamp_compiler() -> Any:
    """The stamp's compiler: the packaged Liberation faces only, as the WeasyPrint stamp uses."""
    import typst

    return typst.Compiler(str(layout_dir() / "stamp.typ"), root=str(layout_dir()),
                          font_paths=_fonts((str(shared_dir() / "fonts"),)), ignore_system_fonts=True)


def _family(face: FontFace) -> str:
    """The family name inside the font file: Typst selects faces by it (CSS renames them in @font-face)."""
    from fontTools.ttLib import TTFont

    names = TTFont(io.BytesIO(face.sfnt), lazy=True)["name"]
    name = names.getDebugName(16) or names.getDebugName(1)
    return str(name or face.family)


def _columns(table: Table, available_mm: float, sans: bool) -> list[dict[str, Any]]:
    """Column widths as CSS's automatic table layout gives them (letter.css: `width: 100%`): each column its
    content's width unwrapped, grown in proportion to fill the text width; when that is too wide, dates and
    amounts keep their width and the wrapping text columns share what is left."""
    natural = []
    for i, head in enumerate(table.headers):
        cells = [r[i] for r in table.rows if i < len(r)]
        foot = [table.footer[i]] if i < len(table.footer) and table.footer[i] else []
        natural.append(max([text_mm(head, size=8.5, bold=True, sans=True)] + [text_mm(c, sans=sans) for c in cells]
                           + [text_mm(c, bold=True, sans=sans) for c in foot]) + CELL_PADDING_MM)
    flex = [not table.numeric[i] and max((len(r[i]) for r in table.rows), default=0) > WRAPPING_TEXT
            for i in range(len(table.headers))]
    if sum(natural) <= available_mm or not any(flex):
        return [{"fr": w, "auto": False} for w in natural]
    return [{"fr": w, "auto": not f} for w, f in zip(natural, flex)]


CELL_PADDING_MM = 3.2  # letter.css: 1.6 mm either side


def _runs(runs: Runs) -> list[list[Any]]:
    return [[r.text, r.bold, r.italic] for r in runs]


def _image(logo: Logo | None) -> dict[str, Any] | None:
    if logo is None:
        return None
    fmt = _FORMATS[logo.media_type]
    if fmt == "svg":  # sanitised SVG text (render/svg.py)
        return {"format": fmt, "svg": logo.data.decode("utf-8"), "data": None}
    return {"format": fmt, "svg": None, "data": list(logo.data)}  # bytes as numbers: JSON has no bytes


def layout_data(doc: Document, *, compact: bool = False,
                attachments: tuple[EmbeddedFile, ...] = ()) -> dict[str, Any]:
    """Everything the Typst layout prints, as plain JSON values (the same fields letter.html.j2 reads)."""
    brand = doc.brand
    m = brand.margins
    margins = {"top": m.top, "right": m.right, "bottom": m.bottom, "left": m.left} if m else \
        {"top": 16.0, "right": 20.0, "bottom": 16.0, "left": 25.0}
    available = 210 - margins["left"] - margins["right"]
    sans = brand.font == "sans"
    blocks: list[dict[str, Any]] = []
    for b in doc.blocks:
        entry: dict[str, Any] = {"style": b.style, "runs": _runs(b.runs), "items": [_runs(i) for i in b.items],
                                 "rows": [[label, _runs(value)] for label, value in b.rows], "title": b.title or ""}
        if b.style == "table":
            if b.ref is None:
                raise ConfigurationError("a table block names no table (ref)")
            t = doc.tables[b.ref]
            entry["table"] = {"headers": list(t.headers), "rows": [list(r) for r in t.rows], "numeric": list(t.numeric),
                              "footer": list(t.footer),
                              "columns": _columns(t, available, sans)}
        blocks.append(entry)
    before, _, rest = doc.page_label.partition("{page}")
    between, _, after = rest.partition("{pages}")
    family = next((_family(f) for f in doc.fonts if f.style == "regular"), None) if doc.font_family else None
    return {
        "lang": doc.case.language.value, "compact": compact, "font": brand.font, "family": family,
        "primary": brand.primary_color, "accent": brand.accent_color, "margins": margins,
        "head_top": max(11.5 + 16 - margins["top"], 0.0),
        "recipient_left": 0.0 if doc.window == "left" else 105 - margins["left"],
        "is_letter": doc.is_letter, "title": doc.title,
        "description": doc.title + (f" – {doc.reference}" if doc.reference else ""),
        "letterhead_name": doc.letterhead_name, "letterhead_lines": list(doc.letterhead_lines),
        "logo": _image(doc.logo), "signature_image": _image(doc.signature_image),
        "return_line": doc.return_line, "delivery_line": doc.delivery_line,
        "recipient_lines": list(doc.recipient_lines), "reference": doc.reference, "place_date": doc.place_date,
        "blocks": blocks, "totals": [list(t) for t in doc.totals], "words": doc.total_in_words,
        "signature_lines": list(doc.signature_lines), "footer": doc.footer, "company_lines": list(doc.company_lines),
        "page_label": [before, between, after],
        "attachments": [{"name": a.filename, "data": list(a.data), "mime": a.media_type, "description": a.description,
                         "relationship": a.relationship.lower()} for a in attachments],
    }


def render_typst(doc: Document, *, pdfa: bool | None = None,
                 attachments: tuple[EmbeddedFile, ...] = ()) -> RenderedPdf:
    """Render a composed document with Typst, as `render_pdf` does with WeasyPrint: PDF/A-3b when asked (by
    default for legal notices), the compact second layout for a reminder that spills onto a second page."""
    archival = wants_pdfa(doc, pdfa)
    return one_page_if_it_fits(doc, lambda compact: lay_out(doc, pdfa=archival, compact=compact,
                                                            attachments=attachments))


def lay_out(doc: Document, *, pdfa: bool, compact: bool, attachments: tuple[EmbeddedFile, ...] = ()) -> RenderedPdf:
    """One layout of the document, normal or compact (`render_typst` chooses)."""
    import typst

    data = json.dumps(layout_data(doc, compact=compact, attachments=attachments), ensure_ascii=False)
    compiler = _compiler(tuple(f.sfnt for f in doc.fonts))
    stamp = dt.datetime.combine(doc.case.date, dt.time(12, 0), tzinfo=dt.timezone.utc)  # reproducible bytes
    try:
        with compile_lock():  # one compiler per process, shared by the API's threads
            pdf = compiler.compile(format="pdf", sys_inputs={"data": data}, timestamp=stamp,
                                   pdf_standards=["a-3b"] if pdfa else [],
                                   pdf_tags=False)  # untagged, as WeasyPrint writes it (and lighter to sign)
            marks = json.loads(compiler.query("<layout>", field="value"))
    except typst.TypstError as exc:
        raise RenderingError(f"Typst could not lay out the letter: {exc.message}") from None
    if not isinstance(pdf, bytes):
        raise RenderingError("Typst returned no PDF")
    pages, boxes = read_marks(marks)
    return RenderedPdf(data=pdf, pages=pages, signature_box=boxes.get(LAID_OUT[0]), pdfa=pdfa, boxes=boxes,
                       compact=compact)


def read_marks(marks: Sequence[Mapping[str, Any]], first_page: int = 1) -> tuple[int, dict[str, SignatureBox]]:
    """A letter's page count and where its marked elements landed (page indexes counted from its own first
    page, the physical page `first_page` of the compiled document)."""
    boxes: dict[str, SignatureBox] = {}
    pages = 1
    for mark in marks:
        if mark["name"] == "pages":
            pages = int(mark["page"])
        elif mark["name"] in LAID_OUT:  # the last one wins, as with WeasyPrint's anchors
            x, y, w, h = (float(mark[k]) for k in ("x", "y", "w", "h"))
            boxes[mark["name"]] = SignatureBox(int(mark["page"]) - first_page,
                                               (x, A4_HEIGHT_PT - y - h, x + w, A4_HEIGHT_PT - y))
    return pages, boxes


def compile_lock() -> Any:
    """The lock every compile of this process holds (the compilers share one thread pool); it also marks the
    process as one where Typst has run (`ran`)."""
    global _ran
    _ran = True
    return _lock


_STAMP_FAMILIES = {"sans": "Liberation Sans", "serif": "Liberation Serif"}


def render_stamp(lines: Sequence[tuple[str, str]], *, width: float, height: float, size: float, font: str,
                 colors: Mapping[str, str]) -> bytes:
    """The visible signature stamp as a one-page PDF of `width` x `height` points, laid out by `stamp.typ`.

    `lines` are (kind, text) pairs, kind one of title, name, meta, extra (sign/stamp.py `stamp_lines`);
    `colors` gives primary, accent, text and background as #RRGGBB. A batch stamps many letters in the same
    minute, so the same stamp is compiled once (cached)."""
    data = json.dumps({"width": width, "height": height, "size": size, "font": _STAMP_FAMILIES[font],
                       "lines": [list(line) for line in lines],
                       **{k: colors[k] for k in ("primary", "accent", "text", "background")}}, ensure_ascii=False)
    return _compile_stamp(data)


@lru_cache(maxsize=64)
def _compile_stamp(data: str) -> bytes:
    import typst

    global _ran
    try:
        with _lock:  # the compilers share one thread pool: one compilation at a time, as for letters
            _ran = True
            pdf = _stamp_compiler().compile(format="pdf", sys_inputs={"data": data}, timestamp=_STAMP_TIME,
                                            pdf_tags=False)
    except typst.TypstError as exc:
        raise RenderingError(f"Typst could not lay out the signature stamp: {exc.message}") from None
    if not isinstance(pdf, bytes):
        raise RenderingError("Typst returned no stamp PDF")
    return pdf


_STAMP_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)  # only its page is imported: fixed, reproducible
