"""Many letters in one Typst compile, split into one PDF per letter: the campaign mode of the Typst engine.

What does not depend on the letter is then paid once per group instead of once per letter: the PDF writer's
setup and font subsetting, part of the layout's evaluation (Typst's compile, CPU of all its threads, about
11 ms a letter in groups of ten against 20-22 alone, measured on fresh letters; bench/README.md). `letters.typ` lays the group out, each letter from a page of its own and counting its own
pages (`layout.typ`, the layout `letter.typ` uses for one letter); the marks the layout leaves (`<layout>`
metadata, with the letter's index) give each letter's page count, signature box and envelope-window boxes.
pikepdf (qpdf) copies each letter's pages into a PDF of its own and gives it the letter's own metadata
(title, author, subject, language, page count, in the Info dictionary and the XMP packet, as Typst writes
them for a letter laid out alone).

Each part carries the font subsets of its whole group: glyph outlines of the characters the other letters
use, never their text. Only letters that can share a document are grouped: the same brand faces and date,
not PDF/A (a PDF/A file's conformance is Typst's to guarantee, for one letter at a time); attachments are
never passed here (`render_typst` embeds them, one letter at a time).
A reminder that spills onto a second page is laid out again compact, as `one_page_if_it_fits` does (the
group's spilled reminders in one more pass), and a group whose document holds anything but pages and
metadata is laid out letter by letter instead.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
from functools import lru_cache
from typing import Any, Optional, Sequence

from ..errors import RenderingError
from .document import Document
from .result import LAID_OUT, RenderedPdf, spills, wants_pdfa
from .typst import _compiler, compile_lock, lay_out, layout_data, read_marks, render_typst

GROUP = 10  # letters a compile (20 gains nothing more); also the most cases a campaign worker takes at once,
#            so the letters a Ctrl-C waits for
_XMP_PAGED_TEXT = "http://ns.adobe.com/xap/1.0/t/pg/"
_CATALOG = {"/Type", "/Pages", "/Lang", "/Metadata", "/ViewerPreferences"}  # what a group's document may hold


def render_typst_many(docs: Sequence[Document], *, pdfa: Optional[bool] = None) -> list[RenderedPdf]:
    """Lay `docs` out, in groups where they can share a document, each PDF as `render_typst` gives it alone
    (same pages, text, boxes and metadata; its font subsets are the group's)."""
    results: list[Optional[RenderedPdf]] = [None] * len(docs)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, doc in enumerate(docs):
        if wants_pdfa(doc, pdfa):
            results[i] = render_typst(doc, pdfa=True)
        else:
            groups.setdefault((tuple(f.sfnt for f in doc.fonts), doc.case.date), []).append(i)
    for (fonts, _date), members in groups.items():
        for start in range(0, len(members), GROUP):
            chunk = members[start:start + GROUP]
            parts = _group([docs[i] for i in chunk], fonts) if len(chunk) > 1 else None
            if parts is None:
                for i in chunk:
                    results[i] = render_typst(docs[i], pdfa=False)
                continue
            for i, part in zip(chunk, parts):
                results[i] = part
            # a reminder that spills onto a second page is laid out again compact, kept if it then fits one
            # page (`one_page_if_it_fits`): those of the group together, a single one alone
            spilled = [i for i, part in zip(chunk, parts) if spills(docs[i], part)]
            compact = _group([docs[i] for i in spilled], fonts, compact=True) if len(spilled) > 1 else None
            for n, i in enumerate(spilled):
                again = compact[n] if compact is not None else lay_out(docs[i], pdfa=False, compact=True)
                if again.pages == 1:
                    results[i] = again
    return [r for r in results if r is not None]


def _group(docs: Sequence[Document], fonts: tuple[bytes, ...], *, compact: bool = False) -> Optional[list[RenderedPdf]]:
    """One compile of `docs` split per letter, or None when the document cannot be split safely."""
    import pikepdf
    import typst

    letters = [layout_data(doc, compact=compact) for doc in docs]
    stamp = dt.datetime.combine(docs[0].case.date, dt.time(12, 0), tzinfo=dt.timezone.utc)  # reproducible bytes
    try:
        with compile_lock():
            compiler = _compiler(fonts, "letters.typ")
            pdf = compiler.compile(format="pdf", sys_inputs={"data": json.dumps(letters, ensure_ascii=False)},
                                   timestamp=stamp, pdf_standards=[], pdf_tags=False)
            marks = json.loads(compiler.query("<layout>", field="value"))
    except typst.TypstError as exc:
        raise RenderingError(f"Typst could not lay out the letters: {exc.message}") from None
    own: list[list[dict[str, Any]]] = [[] for _ in docs]
    for mark in marks:
        own[int(mark["letter"])].append(mark)
    parts, first = [], 1
    with pikepdf.open(io.BytesIO(pdf)) as whole:
        if set(whole.Root.keys()) - _CATALOG:
            return None
        for doc, data, marked in zip(docs, letters, own):
            pages, boxes = read_marks(marked, first)
            parts.append(RenderedPdf(data=_part(whole, first - 1, pages, data), pages=pages,
                                     signature_box=boxes.get(LAID_OUT[0]), pdfa=False, boxes=boxes,
                                     compact=compact))
            first += pages
        if first - 1 != len(whole.pages):  # a letter's marks and its pages disagree: never guess
            return None
    return parts


@lru_cache(maxsize=1)
def _paged_text_namespace() -> None:
    """Make pikepdf's XMP editor know the namespace where Typst states the page count (once per process)."""
    from pikepdf.models.metadata import PdfMetadata

    PdfMetadata.register_xml_namespace(_XMP_PAGED_TEXT, "xmpTPg")


def _part(whole: Any, start: int, pages: int, data: dict[str, Any]) -> bytes:
    """The pages of one letter as a PDF of their own, with the metadata Typst gives that letter alone."""
    import pikepdf

    part = pikepdf.new()
    part.pages.extend(whole.pages[start:start + pages])
    if "/ViewerPreferences" in whole.Root:
        part.Root.ViewerPreferences = pikepdf.Dictionary({k: v for k, v in whole.Root.ViewerPreferences.items()})
    part.Root.Lang = pikepdf.String(data["lang"])
    info = {k: v for k, v in whole.docinfo.items()}
    info.update({"/Title": pikepdf.String(data["title"]), "/Subject": pikepdf.String(data["description"]),
                 "/Author": pikepdf.String(data["letterhead_name"])})
    part.docinfo = part.make_indirect(pikepdf.Dictionary(info))
    letter = json.dumps(data, sort_keys=True).encode()
    document_id, instance_id = (base64.b64encode(hashlib.sha256(salt + letter).digest()[:16]).decode()
                                for salt in (b"document", b"instance"))  # stable, like Typst's
    _paged_text_namespace()
    part.Root.Metadata = part.make_stream(whole.Root.Metadata.read_bytes(), Type=pikepdf.Name.Metadata,
                                          Subtype=pikepdf.Name.XML)
    with part.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = data["title"]
        meta["dc:description"] = data["description"]
        meta["dc:creator"] = [data["letterhead_name"]]
        meta["dc:language"] = [data["lang"]]
        meta["xmpTPg:NPages"] = str(pages)
        meta["xmpMM:DocumentID"], meta["xmpMM:InstanceID"] = document_id, instance_id
        meta["pdf:PDFVersion"] = whole.pdf_version
    out = io.BytesIO()
    part.save(out, deterministic_id=True, force_version=whole.pdf_version)
    return out.getvalue()
