"""DOCX rendering with docxtpl: the same Document as the PDF, as real Word paragraphs and tables.

The layout `letter.docx` carries styles and Jinja2 tags; tables are built as sub-documents with
python-docx. Rendering runs in a Jinja2 sandbox with autoescaping, so `&`, `<` or quotes in data cannot
corrupt the XML.
"""
from __future__ import annotations

import io
from functools import lru_cache
from typing import Any, Sequence

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, RGBColor
from docx.table import Table as DocxTable, _Cell, _Row
from docxtpl import DocxTemplate, InlineImage, RichText
from docxtpl.subdoc import Subdoc
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from ..errors import ConfigurationError
from ..packaged import shared_dir
from ..wording.paragraph import Runs
from .document import Document, Logo, Table
from .docx_letterhead import available_mm, build_on, open_letterhead
from .docx_package import finish_package
from .docx_tables import CELL_PADDING_MM, cell_rule, column_widths, fix_widths, no_grid, text_mm

FONT_NAMES = {"serif": "Liberation Serif", "sans": "Liberation Sans"}
LETTERHEAD_SLACK = 1.3  # the Word letterhead's font is not ours to measure: Liberation Sans plus 30%
BRANDED_STYLES = ("Letterhead", "SectionHeading", "AnnexTitle", "ReportTitle")


@lru_cache(maxsize=1)
def _layout_bytes() -> bytes:
    return (shared_dir() / "layouts" / "letter.docx").read_bytes()


def _rich(runs: Runs) -> RichText:
    rt = RichText()
    for run in runs:
        rt.add(run.text, bold=run.bold or None, italic=run.italic or None)
    return rt


def _shade(cell: _Cell, color: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), color.lstrip("#"))
    props.append(shading)


def _repeat_header(row: _Row) -> None:
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _cell_text(cell: _Cell, text: str, *, style: str = "TableText", align_right: bool = False, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    run = paragraph.add_run(text)
    run.bold = bold or None
    if align_right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _spaced(sub: Subdoc) -> Subdoc:
    """End a table sub-document with a small empty paragraph, so text never sticks to the table."""
    sub.add_paragraph(style="TableSpacer")
    return sub


RULE = "BBBBBB"  # the thin rule between rows, as in letter.css


def _data_table(tpl: DocxTemplate, table: Table, primary: str, available_mm: float, sans: bool,
                slack: float = 1.0) -> Subdoc:
    sub = tpl.new_subdoc()
    t = sub.add_table(rows=1, cols=len(table.headers))
    no_grid(t)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = t.rows[0]
    _repeat_header(header)
    for i, text in enumerate(table.headers):
        _cell_text(header.cells[i], text, style="TableHead", align_right=table.numeric[i])
        _shade(header.cells[i], primary)
    for row in table.rows:
        cells = t.add_row().cells
        for i, text in enumerate(row):
            _cell_text(cells[i], text, align_right=table.numeric[i])
            cell_rule(cells[i], "bottom", size=3, color=RULE)
    if table.footer:
        cells = t.add_row().cells
        for i, text in enumerate(table.footer):
            _cell_text(cells[i], text, align_right=table.numeric[i], bold=True)
            cell_rule(cells[i], "top", size=6, color=primary)
    fix_widths(t, column_widths(table.headers, table.rows, table.footer, table.numeric, available_mm, sans=sans,
                                slack=slack))
    return _spaced(sub)


def _totals_table(tpl: DocxTemplate, doc: Document, slack: float = 1.0) -> Subdoc:
    """Right-aligned, at least 110 mm wide; the total due under a rule in the brand colour (letter.css)."""
    sub = tpl.new_subdoc()
    t = sub.add_table(rows=0, cols=2)
    no_grid(t)
    t.alignment = WD_TABLE_ALIGNMENT.RIGHT
    primary = doc.brand.primary_color
    for label, amount, emph in doc.totals:
        cells = t.add_row().cells
        _cell_text(cells[0], label, bold=emph)
        _cell_text(cells[1], amount, align_right=True, bold=emph)
        if emph:
            for cell in cells:
                cell_rule(cell, "top", size=6, color=primary)
                for run in cell.paragraphs[0].runs:
                    run.font.color.rgb = RGBColor.from_string(primary.lstrip("#"))
    sans = doc.brand.font == "sans" or slack > 1
    amounts = max(text_mm(a, bold=True, sans=sans) for _, a, _ in doc.totals) * slack + CELL_PADDING_MM
    labels = max(max(text_mm(lab, bold=True, sans=sans) for lab, _, _ in doc.totals) * slack + CELL_PADDING_MM,
                 110 - amounts)
    fix_widths(t, [labels, amounts])
    _keep_together(t)
    return sub


def _keep_together(table: DocxTable) -> None:
    """Word's equivalent of CSS break-inside: avoid for a short table: no row splits across pages and every
    row keeps with the next, so the totals stay in one piece with their lead-in and the amount in words."""
    for row in table.rows:
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _fields_table(tpl: DocxTemplate, rows: Sequence[tuple[str, Runs]], available_mm: float) -> Subdoc:
    sub = tpl.new_subdoc()
    t = sub.add_table(rows=0, cols=2)
    no_grid(t)
    for label, value in rows:
        cells = t.add_row().cells
        _cell_text(cells[0], label)
        para = cells[1].paragraphs[0]
        para.style = "TableText"
        for run in value:
            r = para.add_run(run.text)
            r.bold, r.italic = run.bold or None, run.italic or None
        for cell in cells:
            cell_rule(cell, "bottom", size=2, color="DDDDDD")
    fix_widths(t, [45, available_mm - 45])
    return _spaced(sub)


def _address_table(tpl: DocxTemplate, doc: Document) -> Subdoc:
    """The window-envelope block: return address line, delivery note and recipient, left or right."""
    sub = tpl.new_subdoc()
    t = sub.add_table(rows=1, cols=2)
    cell = t.rows[0].cells[0 if doc.window == "left" else 1]
    lines = [("Return", doc.return_line)]
    lines += [("Delivery", doc.delivery_line)] if doc.delivery_line else []
    lines += [("Recipient", line) for line in doc.recipient_lines]
    for i, (style, line) in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.style = style
        p.add_run(line)
    return _spaced(sub)


def _page_label_parts(label: str) -> dict[str, str]:
    """'Pagina {page} di {pages}' as the texts around the PAGE and NUMPAGES fields of the header."""
    before, _, rest = label.partition("{page}")
    between, _, after = rest.partition("{pages}")
    return {"page_before": before, "page_between": between, "page_after": after}


def _raster(logo: Logo) -> bytes:
    """Word pictures are raster images: an SVG logo is drawn once to PNG (cached by its bytes)."""
    return logo.data if logo.media_type != "image/svg+xml" else _svg_png(logo.data)


@lru_cache(maxsize=32)
def _svg_png(svg: bytes) -> bytes:
    from .preview import svg_png

    return svg_png(svg)


def render_docx(doc: Document, *, thumbnail: bytes | None = None) -> bytes:
    """The letter as Word paragraphs and tables; `thumbnail` is a PNG of page 1 (from the PDF) when known."""
    tpl = DocxTemplate(io.BytesIO(_layout_bytes()))
    brand = doc.case.brand
    document = tpl.get_docx()
    styles = document.styles
    letterhead = open_letterhead(doc.kit.letterhead_docx) if doc.kit and doc.kit.letterhead_docx else None
    styles["Normal"].font.name = doc.font_family or FONT_NAMES[brand.font]
    section = document.sections[0]
    if brand.margins:
        m = brand.margins
        section.top_margin, section.right_margin = Mm(m.top), Mm(m.right)
        section.bottom_margin, section.left_margin = Mm(m.bottom), Mm(m.left)
    available = (section.page_width - section.left_margin - section.right_margin) / Mm(1)
    if letterhead is not None:  # its page size and margins hold: our tables fit its text width
        available = available_mm(letterhead)
    for name in BRANDED_STYLES:
        styles[name].font.color.rgb = RGBColor.from_string(brand.primary_color.lstrip("#"))
    blocks: list[dict[str, Any]] = []
    for b, after in zip(doc.blocks, [*doc.blocks[1:], None]):
        entry = {"style": b.style, "title": b.title or "", "rich": _rich(b.runs),
                 "entries": [_rich(i) for i in b.items],
                 "lead": after is not None and after.style in ("table", "totals", "closing")}  # kept with what follows
        if b.style == "table":
            if b.ref is None:  # the wording parser gives every table its ref; a Block built by hand may not
                raise ConfigurationError("a table block names no table (ref)")
            entry["subdoc"] = _data_table(tpl, doc.tables[b.ref], brand.primary_color, available,
                                          brand.font == "sans" or letterhead is not None,
                                          LETTERHEAD_SLACK if letterhead is not None else 1.0)
        elif b.style == "fields":
            entry["subdoc"] = _fields_table(tpl, b.rows, available)
        elif b.style == "totals":
            entry["subdoc"] = _totals_table(tpl, doc, LETTERHEAD_SLACK if letterhead is not None else 1.0)
        blocks.append(entry)
    context = {
        "letterhead_name": doc.letterhead_name, "letterhead_lines": doc.letterhead_lines,
        "logo": InlineImage(tpl, io.BytesIO(_raster(doc.logo)), height=Mm(14)) if doc.logo else None,
        "signature_image": (InlineImage(tpl, io.BytesIO(doc.signature_image.data), height=Mm(12))
                            if doc.signature_image else None),
        "company_lines": doc.company_lines,
        "is_letter": doc.is_letter, "title": doc.title, "address_table": _address_table(tpl, doc),
        "reference": doc.reference or "", "place_date": doc.place_date, "blocks": blocks,
        "total_in_words": doc.total_in_words, "signature_lines": doc.signature_lines, "footer": doc.footer,
        **_page_label_parts(doc.page_label),
    }
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    tpl.render(context, jinja_env=env, autoescape=True)
    out = io.BytesIO()
    if letterhead is not None:  # the letterhead's package is the base; nothing of it went through Jinja2
        built = build_on(letterhead, tpl.docx)
        finish_package(built, doc, thumbnail=thumbnail, embed_fonts=False)  # its own fonts, as Word finds them
        built.save(out)
        return out.getvalue()
    finish_package(tpl.docx, doc, thumbnail=thumbnail)  # get_docx() would reload the unrendered template
    tpl.save(out)
    return out.getvalue()
