"""PDF letterheads: a tenant's stationery (one page for every page, or two: the first and the following ones)
laid under each page of the PDF letter, before any signature.

The file is untrusted: it is refused when encrypted, larger than 5 MiB, longer than two pages, of another
page size than the letter's (A4), or when any object reachable from its trailer carries JavaScript, an
action (/OpenAction, /AA, /A, /Launch, ...), embedded files, XFA or rich media, or a font that is not
embedded. Only each page's content stream and its resources are imported, as a form XObject (ISO 32000-1,
8.10), drawn first on the letter's page: the letter's catalog (XMP metadata, PDF/A OutputIntent, associated
files) is untouched, and the change is an incremental update, so PDF/A output stays PDF/A (ISO 19005-3,
6.2: fonts embedded, device colours under the sRGB output intent; CMYK images are refused).
"""
from __future__ import annotations

import io
from typing import Any

from ..errors import InputError

MAX_PDF_BYTES = 5 * 1024 * 1024
MAX_OBJECTS = 20_000
A4_PT = (595.276, 841.89)  # the letter's page (letter.css: size A4)
TOLERANCE_PT = 1.5
#: keys that make a PDF do something instead of just showing its pages
REFUSED_KEYS = {"/JS": "JavaScript", "/JavaScript": "JavaScript", "/OpenAction": "an action on opening (/OpenAction)",
                "/AA": "automatic actions (/AA)", "/A": "actions (/A)", "/Launch": "a launch action",
                "/EmbeddedFiles": "embedded files", "/EF": "embedded files", "/RichMedia": "rich media",
                "/XFA": "an XFA form", "/URI": "a link action (/URI)"}
REFUSED_TYPES = {"/Action": "actions", "/EmbeddedFile": "embedded files", "/Filespec": "file references"}
XOBJECT_NAME = "/CorrespondenceLetterhead"


def check_letterhead_pdf(data: bytes, *, field: str = "brand.letterhead_pdf") -> int:
    """Refuse an unsafe or unsuitable PDF letterhead; returns its number of pages (1 or 2)."""
    if len(data) > MAX_PDF_BYTES:
        raise InputError(field, f"the PDF letterhead is larger than {MAX_PDF_BYTES >> 20} MiB")
    if not data.lstrip()[:5] == b"%PDF-":
        raise InputError(field, "not a PDF file")
    reader = _reader(data, field)
    try:
        pages = int(reader.root["/Pages"]["/Count"])
    except Exception:
        raise InputError(field, "not a readable PDF (no page tree)") from None
    if not 1 <= pages <= 2:
        raise InputError(field, f"has {pages} pages; a letterhead has one (every page) or two (the first page, "
                                "then the following ones)")
    try:
        _walk(reader.root, field)  # the catalog: pages, names, actions, forms, outlines
        for index in range(pages):
            page, resources = reader.find_page_for_modification(index)
            _check_page(page.get_object(), index, field)
            _check_resources(_deref(resources), field, depth=0)
    except InputError:
        raise
    except Exception as exc:  # a damaged object graph: pyHanko's PdfReadError and friends
        raise InputError(field, f"not a readable PDF ({type(exc).__name__})") from None
    return pages


def _reader(data: bytes, field: str) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
    except Exception as exc:
        raise InputError(field, f"not a readable PDF ({type(exc).__name__})") from None
    if reader.encrypted:
        raise InputError(field, "is encrypted; export the letterhead without a password or permissions")
    return reader


def _walk(root: Any, field: str) -> None:
    """Every object reachable from the trailer, once: refuse active content wherever it hides."""
    from pyhanko.pdf_utils import generic

    seen: set[tuple[int, int]] = set()
    stack = [root]
    count = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, generic.IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            count += 1
            if count > MAX_OBJECTS:
                raise InputError(field, f"has more than {MAX_OBJECTS} objects")
            stack.append(obj.get_object())
        elif isinstance(obj, generic.DictionaryObject):  # streams are dictionaries too
            for key in obj:
                if key == "/A" and not _is_action(obj.raw_get(key)):
                    continue  # a structure element's attributes (tagged PDF), not an action
                if key in REFUSED_KEYS:
                    raise InputError(field, f"contains {REFUSED_KEYS[key]}; a letterhead is only page content")
            kind = obj.get("/Type")
            if isinstance(kind, generic.NameObject) and str(kind) in REFUSED_TYPES:
                raise InputError(field, f"contains {REFUSED_TYPES[str(kind)]}; a letterhead is only page content")
            stack.extend(obj.raw_get(k) for k in obj if k != "/Parent")
        elif isinstance(obj, generic.ArrayObject):
            stack.extend(obj.raw_get(i) for i in range(len(obj)))


def _deref(value: Any) -> Any:
    from pyhanko.pdf_utils import generic

    return value.get_object() if isinstance(value, generic.IndirectObject) else value


def _is_action(value: Any) -> bool:
    from pyhanko.pdf_utils import generic

    value = value.get_object() if isinstance(value, generic.IndirectObject) else value
    return isinstance(value, generic.DictionaryObject) and "/S" in value


def _box(page: Any, name: str) -> tuple[float, float, float, float] | None:
    node = page
    while node is not None:
        if name in node:
            x1, y1, x2, y2 = (float(v) for v in node[name])
            return x1, y1, x2, y2
        node = _deref(node.get("/Parent"))
    return None


def _check_page(page: Any, index: int, field: str) -> None:
    box = _box(page, "/MediaBox")
    if box is None:
        raise InputError(field, f"page {index + 1} has no size (/MediaBox)")
    width, height = abs(box[2] - box[0]), abs(box[3] - box[1])
    if abs(width - A4_PT[0]) > TOLERANCE_PT or abs(height - A4_PT[1]) > TOLERANCE_PT:
        raise InputError(field, f"page {index + 1} is {width / 72 * 25.4:.0f} x {height / 72 * 25.4:.0f} mm; the "
                                "letter is A4 (210 x 297 mm)")
    if int(_deref(page.get("/Rotate", 0))) % 360:
        raise InputError(field, f"page {index + 1} is rotated; export it upright")


def _check_resources(resources: Any, field: str, *, depth: int) -> None:
    """PDF/A needs every font embedded; CMYK pictures do not match the letter's sRGB output intent."""
    if depth > 8:
        raise InputError(field, "nests forms more than 8 deep")
    for font in (_deref(resources.get("/Font")) or {}).values():
        font = _deref(font)
        name = str(font.get("/BaseFont", "?")).lstrip("/")
        if font.get("/Subtype") == "/Type3":
            continue
        described = font["/DescendantFonts"][0].get_object() if font.get("/Subtype") == "/Type0" else font
        descriptor = _deref(described.get("/FontDescriptor")) or {}
        if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            raise InputError(field, f"uses the font {name} without embedding it; PDF/A letters need embedded fonts "
                                    "(export with fonts embedded, or as PDF/A)")
    for xobject in (_deref(resources.get("/XObject")) or {}).values():
        xobject = _deref(xobject)
        if xobject.get("/ColorSpace") == "/DeviceCMYK":
            raise InputError(field, "has a CMYK picture; export the letterhead in RGB (the letter is sRGB PDF/A)")
        if xobject.get("/Subtype") == "/Form" and xobject.get("/Resources") is not None:
            _check_resources(xobject["/Resources"], field, depth=depth + 1)


def lay_under(data: bytes, letterhead: bytes) -> bytes:
    """The letter with the letterhead's page 1 under its page 1 and the letterhead's last page under the
    following pages, as an incremental update (PDF/A metadata kept consistent)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader

    source = PdfFileReader(io.BytesIO(letterhead), strict=False)
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    count = int(source.root["/Pages"]["/Count"])
    forms = [writer.import_page_as_xobject(source, i) for i in range(count)]
    pages = int(writer.root["/Pages"]["/Count"])
    for index in range(pages):
        which = 0 if index == 0 else count - 1
        name = f"{XOBJECT_NAME}{which + 1}"
        page, _ = source.find_page_for_modification(which)
        x1, y1, _, _ = _box(page.get_object(), "/MediaBox") or (0.0, 0.0, 0.0, 0.0)
        draw = generic.StreamObject(stream_data=f"q 1 0 0 1 {-x1:.3f} {-y1:.3f} cm {name} Do Q\n".encode())
        _, own = writer.find_page_for_modification(index)
        present = _deref(_deref(own).get("/XObject")) or {}
        resources = None if name in present else generic.DictionaryObject({generic.pdf_name("/XObject"): (
            generic.DictionaryObject({generic.pdf_name(name): forms[which]}))})  # pages may share one dictionary
        writer.add_stream_to_page(index, writer.add_object(draw), resources=resources, prepend=True)
    _align_producer(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _align_producer(writer: Any) -> None:
    """pyHanko appends itself to Info /Producer but replaces XMP pdf:Producer on every write; PDF/A needs
    both equal, so Info /Producer is set to pyHanko's vendor string first (as correspondence.sign.pdfa does
    before signing: the render stage does not import the signing one)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    if "/Metadata" not in writer.root:
        return
    try:
        info_ref = writer.trailer.raw_get("/Info")
    except KeyError:
        return
    info = info_ref.get_object() if isinstance(info_ref, generic.IndirectObject) else info_ref
    info["/Producer"] = generic.TextStringObject(VENDOR)
    if isinstance(info_ref, generic.IndirectObject):
        writer.mark_update(info_ref)
