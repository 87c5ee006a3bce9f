"""Word letterheads: a tenant's branded .docx (header, footer, styles, logo) that DOCX letters are built on.

The file is untrusted. Before anything opens it with python-docx it is checked as a ZIP (size, entry count,
total uncompressed size and compression ratio against zip bombs, no duplicate or escaping names) and as an
OPC package (ECMA-376 Part 2): every XML part parsed with defusedxml (no DTD, no entity, no network); no
macros (.docm content type, vbaProject.bin, vbaData.xml), ActiveX controls or embedded OLE objects; no
relationship leaving the package (TargetMode="External": attached templates, remote images, frames,
subdocuments), web hyperlinks (http, https, mailto) excepted, since no reader fetches them; no field that
fetches or runs something when fields are updated (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE, DDEAUTO, IMPORT);
pictures are checked for their pixel dimensions.

The letter is then built on it: the letterhead's package is the base (its headers and footers for the first
and the following pages, section page size and margins, theme, styles and settings stay), its body is
replaced by ours, and our paragraph and table styles are added where it has none of that name, without our
fonts, so they inherit its Normal style.
"""
from __future__ import annotations

import copy
import io
import posixpath
import re
import zipfile
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_xml

from ..errors import ConfigurationError, InputError

MAX_DOCX_BYTES = 5 * 1024 * 1024
MAX_ENTRIES = 300
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100  # per entry above 1 MiB; XML compresses ~10:1, zip bombs 1000:1 and more
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
OFFICE_DOCUMENT_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
#: relationship types whose part or target runs code or pulls content in
REFUSED_RT = {"vbaProject": "macros (vbaProject)", "wordVbaData": "macros (vbaData)", "control": "ActiveX controls",
              "activeXControlBinary": "ActiveX controls", "oleObject": "embedded OLE objects",
              "package": "embedded packages", "aFChunk": "imported content (altChunk)",
              "attachedTemplate": "an attached template", "subDocument": "subdocuments", "frame": "frames"}
FETCHING_FIELDS = ("INCLUDEPICTURE", "INCLUDETEXT", "LINK", "DDE", "DDEAUTO", "IMPORT")
WEB_LINK = re.compile(r"^(https?://|mailto:)[^\s\\]+$", re.I)
NS_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
NS_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RASTER = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def check_letterhead_docx(data: bytes, *, field: str = "brand.letterhead_docx") -> None:
    """Refuse a Word letterhead that is too large, a zip bomb, macro-enabled, or refers outside itself."""
    if len(data) > MAX_DOCX_BYTES:
        raise InputError(field, f"the Word letterhead is larger than {MAX_DOCX_BYTES >> 20} MiB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError(field, "not a Word document (.docx): not a ZIP package") from None
    _check_entries(infos, field)
    parts = {info.filename: _read(archive, info, field) for info in infos if not info.is_dir()}
    types = _content_types(parts, field)
    main = _main_part(parts, field)
    media = types.get(main, "")
    if media == MACRO_MAIN:
        raise InputError(field, "is a macro-enabled document (.docm); save it as a Word document (.docx)")
    if media == TEMPLATE_MAIN:
        raise InputError(field, "is a Word template (.dotx); save it as a Word document (.docx)")
    if media != DOCX_MAIN:
        raise InputError(field, f"not a Word document (.docx): its main part is '{media or 'missing'}'")
    for name, media in types.items():
        lowered = name.lower()
        if "vbaproject" in lowered or "vbadata" in lowered or "macroenabled" in media.lower() or "vba" in media.lower():
            raise InputError(field, f"contains macros ({posixpath.basename(name)}); save it as a Word document "
                                    "without macros (.docx)")
        if "/activex/" in lowered or "activex" in media.lower():
            raise InputError(field, "contains ActiveX controls; a letterhead must be plain text, pictures and shapes")
        if "/embeddings/" in lowered:
            raise InputError(field, f"contains an embedded object ({posixpath.basename(name)}); a letterhead must "
                                    "be plain text, pictures and shapes")
    for name, content in parts.items():
        if name.endswith(".rels"):
            _check_relationships(name, content, field)
        elif name.endswith(".xml") and name.startswith("word/"):
            _check_fields(name, _parse(name, content, field), field)
        elif posixpath.splitext(name.lower())[1] in RASTER:
            from .images import check_image

            check_image(content, RASTER[posixpath.splitext(name.lower())[1]], field=f"{field} ({name})")
    try:
        _open(data)
    except Exception as exc:  # python-docx on a damaged package: any of its parser errors
        raise InputError(field, f"cannot be read as a Word document ({type(exc).__name__})") from None


def _check_entries(infos: list[zipfile.ZipInfo], field: str) -> None:
    if len(infos) > MAX_ENTRIES:
        raise InputError(field, f"the package has {len(infos)} entries; the limit is {MAX_ENTRIES}")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise InputError(field, "the package names one entry twice")
    total = 0
    for info in infos:
        if info.filename.startswith("/") or ".." in info.filename.split("/") or "\\" in info.filename:
            raise InputError(field, f"the package has an entry outside it ({info.filename[:80]})")
        total += info.file_size
        if info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(field, f"'{info.filename[:80]}' expands {info.file_size // max(info.compress_size, 1)} "
                                    f"times (a zip bomb); the limit is {MAX_RATIO}")
    if total > MAX_UNCOMPRESSED:
        raise InputError(field, f"the package expands to {total >> 20} MiB; the limit is {MAX_UNCOMPRESSED >> 20} MiB")


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, field: str) -> bytes:
    try:
        with archive.open(info) as fh:  # never more than the declared size (zipfile stops there, checks the CRC)
            return fh.read(MAX_UNCOMPRESSED + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise InputError(field, f"damaged package entry '{info.filename[:80]}' ({exc})") from None


def _parse(name: str, content: bytes, field: str) -> Element:
    try:
        return safe_xml(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise InputError(field, f"'{name}' declares a DTD or entities, which Word never writes") from None
    except Exception as exc:  # expat's ParseError and friends
        raise InputError(field, f"'{name}' is not well-formed XML ({exc})") from None


def _content_types(parts: dict[str, bytes], field: str) -> dict[str, str]:
    """Part name (without the leading '/') -> media type, from [Content_Types].xml."""
    if "[Content_Types].xml" not in parts:
        raise InputError(field, "not a Word document (.docx): no [Content_Types].xml")
    root = _parse("[Content_Types].xml", parts["[Content_Types].xml"], field)
    defaults = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in root.iter(f"{NS_CT}Default")}
    overrides = {e.get("PartName", "").lstrip("/"): e.get("ContentType", "") for e in root.iter(f"{NS_CT}Override")}
    out = {name: overrides.get(name) or defaults.get(posixpath.splitext(name)[1].lstrip(".").lower(), "")
           for name in parts}
    for name, media in overrides.items():
        out.setdefault(name, media)
    return out


def _main_part(parts: dict[str, bytes], field: str) -> str:
    rels = parts.get("_rels/.rels")
    if rels is None:
        raise InputError(field, "not a Word document (.docx): no _rels/.rels")
    for rel in _parse("_rels/.rels", rels, field).iter(f"{NS_REL}Relationship"):
        if rel.get("Type") == OFFICE_DOCUMENT_RT:
            return rel.get("Target", "").lstrip("/")
    raise InputError(field, "not a Word document (.docx): no main document part")


def _check_relationships(name: str, content: bytes, field: str) -> None:
    for rel in _parse(name, content, field).iter(f"{NS_REL}Relationship"):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("Target", "")
        if kind in REFUSED_RT:
            raise InputError(field, f"contains {REFUSED_RT[kind]} ({name}); a letterhead must be plain text, "
                                    "pictures and shapes")
        if rel.get("TargetMode", "Internal") == "External":
            if kind == "hyperlink" and WEB_LINK.match(target):
                continue  # a link the reader may click; nothing fetches it
            raise InputError(field, f"refers to an external resource ({kind} -> {target[:80]}); a letterhead must "
                                    "be self-contained: embed pictures instead of linking them")


def _check_fields(name: str, root: Element, field: str) -> None:
    codes = [e.text or "" for e in root.iter(f"{NS_W}instrText")]
    codes += [e.get(f"{NS_W}instr", "") for e in root.iter(f"{NS_W}fldSimple")]
    for code in codes:
        words = code.strip().split()
        if words and words[0].upper() in FETCHING_FIELDS:
            raise InputError(field, f"has a {words[0].upper()} field ({name}) that reads other files or programs "
                                    "when fields are updated")


def _open(data: bytes) -> Any:
    from docx import Document as open_docx

    return open_docx(io.BytesIO(data))


#: our styles that draw our own letterhead: with a Word letterhead its header replaces them
OWN_LETTERHEAD_STYLES = ("Letterhead", "LetterheadLine")
_R_ATTRS = ("embed", "id", "link", "pict")
NS_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def open_letterhead(data: bytes) -> Any:
    """The (checked) letterhead as a python-docx document, its body emptied (the final section is kept)."""
    document = _open(data)
    body = document.element.body
    for child in list(body):
        if child.tag != f"{NS_W}sectPr":
            body.remove(child)
    return document


def available_mm(document: Any) -> float:
    """The text width of the letterhead's (last) section, where our tables go."""
    from docx.shared import Mm

    section = document.sections[-1]
    return float((section.page_width - section.left_margin - section.right_margin) / Mm(1))


def build_on(letterhead: Any, ours: Any) -> Any:
    """Move our rendered body into the letterhead document: our styles it lacks (without our fonts, so they
    follow its Normal), our paragraphs and tables before its section properties, our pictures re-related."""
    theirs = letterhead.styles.element
    known = {s.get(f"{NS_W}styleId") for s in theirs.iter(f"{NS_W}style")}
    for style in ours.styles.element.iter(f"{NS_W}style"):
        if style.get(f"{NS_W}customStyle") != "1" or style.get(f"{NS_W}styleId") in known:
            continue
        added = copy.deepcopy(style)
        for fonts in added.iter(f"{NS_W}rFonts"):
            fonts.getparent().remove(fonts)
        theirs.append(added)
    body = letterhead.element.body
    anchor = body.find(f"{NS_W}sectPr")
    for child in ours.element.body:
        if child.tag == f"{NS_W}sectPr":
            continue
        if child.tag == f"{NS_W}p" and _style(child) in OWN_LETTERHEAD_STYLES:
            continue
        moved = copy.deepcopy(child)
        _relink(moved, ours.part, letterhead.part)
        if anchor is not None:
            anchor.addprevious(moved)
        else:
            body.append(moved)
    return letterhead


def _style(paragraph: Any) -> str | None:
    found = paragraph.find(f"{NS_W}pPr/{NS_W}pStyle")
    return None if found is None else str(found.get(f"{NS_W}val"))


def _relink(element: Any, source: Any, target: Any) -> None:
    """Point the relationship ids of a moved element at parts of the target package (pictures only)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    mapped: dict[str, str] = {}
    for node in element.iter():
        for attr in _R_ATTRS:
            rid = node.get(f"{NS_R}{attr}")
            if rid is None:
                continue
            if rid not in mapped:
                rel = source.rels.get(rid)
                if rel is None or rel.reltype != RT.IMAGE:
                    raise ConfigurationError(f"the letter body refers to a part the Word letterhead cannot take ({rid})")
                mapped[rid], _ = target.get_or_add_image(io.BytesIO(rel.target_part.blob))
            node.set(f"{NS_R}{attr}", mapped[rid])
