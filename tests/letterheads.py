"""Letterhead fixtures made on the spot: a Word letterhead built with python-docx (first-page and following
header and footer, its own Normal font, a logo picture), a PDF letterhead made with WeasyPrint (a first and a
following page), and the hostile variants of both that must be refused."""
from __future__ import annotations

import io
import zipfile

from tests.brandkit import signature_png

LH_FIRST_HEADER = "CARTA INTESTATA PRIMA PAGINA Studio Legale Rossi"
LH_HEADER = "Studio Legale Rossi pagine successive"
LH_FIRST_FOOTER = "Studio Legale Rossi S.T.A. S.r.l. piede prima pagina"
LH_FOOTER = "Studio Legale Rossi piede pagine successive"
LH_FONT = "Georgia Brand"
PDF_FIRST = "INTESTAZIONE PRIMA PAGINA ROSSI"
PDF_NEXT = "INTESTAZIONE PAGINE SEGUENTI ROSSI"


def word_letterhead(*, font: str = LH_FONT) -> bytes:
    """A letterhead as Word users make one: different first page, header with a logo, footers, Normal font."""
    from docx import Document
    from docx.shared import Mm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = font, Pt(10.5)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(40), Mm(30)
    section.left_margin, section.right_margin = Mm(24), Mm(20)
    section.different_first_page_header_footer = True
    first = section.first_page_header.paragraphs[0]
    first.add_run().add_picture(io.BytesIO(signature_png()), height=Mm(10))
    first.add_run(" " + LH_FIRST_HEADER)
    section.header.paragraphs[0].text = LH_HEADER
    section.first_page_footer.paragraphs[0].text = LH_FIRST_FOOTER
    section.footer.paragraphs[0].text = LH_FOOTER
    doc.add_paragraph("Testo di esempio della carta intestata, da sostituire")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
          edit: dict[str, tuple[bytes, bytes]] | None = None) -> bytes:
    """The package with entries replaced, added, or edited (old -> new bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if replace and info.filename in replace:
                content = replace[info.filename]
            if edit and info.filename in edit:
                old, new = edit[info.filename]
                assert old in content, (info.filename, old)
                content = content.replace(old, new, 1)
            target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


DOCUMENT_CT = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
RELS_END = b"</Relationships>"


def hostile_word_letterheads() -> dict[str, tuple[bytes, str]]:
    """name -> (letterhead bytes, a word the refusal must contain)."""
    good = word_letterhead()
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("word/media/padding.xml", b"\0" * (8 << 20))  # 8 MiB of zeros: ~8 KiB compressed
    return {
        "docm": (rezip(good, edit={"[Content_Types].xml": (DOCUMENT_CT, b"application/vnd.ms-word.document."
                                                                        b"macroEnabled.main+xml")}), "macro"),
        "vba_project": (rezip(good, add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really OLE"}), "macros"),
        "activex": (rezip(good, add={"word/activeX/activeX1.xml": b"<ax/>"}), "ActiveX"),
        "external_image": (rezip(good, edit={"word/_rels/document.xml.rels": (RELS_END, (
            b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
            b'Target="http://127.0.0.1:9/logo.png" TargetMode="External"/>') + RELS_END)}), "external"),
        "attached_template": (rezip(good, add={"word/_rels/settings.xml.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/attachedTemplate" Target="file:///C:/evil.dotm" TargetMode="External"/></Relationships>')}),
            "attached template"),
        "dde_field": (rezip(good, edit={"word/document.xml": (b"</w:body>", b'<w:p><w:fldSimple w:instr="DDEAUTO c:\\\\'
                                                                            b'windows\\\\system32\\\\cmd.exe"/></w:p></w:body>')}),
                      "DDEAUTO"),
        "doctype": (rezip(good, edit={"word/styles.xml": (b"?>", b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>')}),
                    "DTD"),
        "zip_bomb": (bomb.getvalue(), "zip bomb"),
        "oversize": (good + b"\0" * (6 << 20), "larger than"),
        "not_a_zip": (b"%PDF-1.7 this is no Word file", "not a Word document"),
    }


PDF_PAGE_CSS = "@page { size: A4; margin: 0 } body { margin: 0; font-family: sans-serif; } " \
               "div { height: 297mm; box-sizing: border-box; padding: 12mm 20mm; color: #7A1F2B; font-size: 14pt; } " \
               "div + div { break-before: page; }"


def pdf_letterhead(pages: int = 2, *, size: str = "A4") -> bytes:
    """Stationery from WeasyPrint: page 1 with the first-page header, page 2 with the following-pages one."""
    from weasyprint import HTML

    texts = [PDF_FIRST, PDF_NEXT, "TERZA PAGINA"][:pages]
    body = "".join(f"<div>{t}<p style='position: absolute; bottom: 8mm'>Via Manzoni 12, Milano</p></div>" for t in texts)
    css = PDF_PAGE_CSS.replace("size: A4", f"size: {size}")
    return HTML(string=f"<html><head><style>{css}</style></head><body>{body}</body></html>").write_pdf()


def _with_root_entry(pdf: bytes, key: str, value: object) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.root[key] = value
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def hostile_pdf_letterheads() -> dict[str, tuple[bytes, str]]:
    import pypdf
    from pyhanko.pdf_utils import generic

    good = pdf_letterhead()
    js = generic.DictionaryObject({generic.pdf_name("/S"): generic.pdf_name("/JavaScript"),
                                   generic.pdf_name("/JS"): generic.TextStringObject("app.alert(1)")})
    names = generic.DictionaryObject({generic.pdf_name("/JavaScript"): generic.DictionaryObject(
        {generic.pdf_name("/Names"): generic.ArrayObject([generic.TextStringObject("x"), js])})})
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(good)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    return {
        "javascript": (_with_root_entry(good, "/Names", names), "JavaScript"),
        "open_action": (_with_root_entry(good, "/OpenAction", js), "OpenAction"),
        "encrypted": (encrypted.getvalue(), "encrypted"),
        "three_pages": (pdf_letterhead(3), "3 pages"),
        "a5": (pdf_letterhead(1, size="A5"), "A4"),
        "oversize": (good + b"\0" * (6 << 20), "larger than"),
        "not_a_pdf": (b"PK\3\4 a zip", "not a PDF"),
    }
