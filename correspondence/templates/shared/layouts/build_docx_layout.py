"""Build `letter.docx`, the docxtpl layout, from code so the Word layout is reviewable source.

Run: python templates/shared/layouts/build_docx_layout.py  (the result is committed and packaged).
It holds styles, page set-up, the footer with "page/pages" fields and the Jinja2 tags docxtpl fills;
no wording. Tables are built at render time as sub-documents so they can appear anywhere in the flow.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph
from docx.shared import Mm, Pt, RGBColor

OUT = Path(__file__).with_name("letter.docx")


def _style(doc: DocxDocument, name: str, *, size: float = 10, bold: bool = False, italic: bool = False,
           space_after: float = 4, align: Optional[WD_ALIGN_PARAGRAPH] = None, sans: bool = False,
           color: Optional[str] = None, keep_next: bool = False) -> ParagraphStyle:
    style: ParagraphStyle = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    if sans:
        style.font.name = "Liberation Sans"
    if color:
        style.font.color.rgb = RGBColor.from_string(color)
    style.paragraph_format.space_after = Pt(space_after)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.keep_with_next = keep_next
    if align:
        style.paragraph_format.alignment = align
    return style


def _field(paragraph: Paragraph, instr: str) -> None:
    run = paragraph.add_run()
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    inner = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    fld.append(inner)
    run._r.addnext(fld)


def build(out: Path = OUT) -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(16), Mm(18)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Serif"
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(0)
    _style(doc, "Letterhead", size=15, bold=True, sans=True, color="1F3A5F", space_after=0)
    _style(doc, "LetterheadLine", size=8, sans=True, color="444444", space_after=0)
    _style(doc, "Return", size=6.5, sans=True, color="444444", space_after=2)
    _style(doc, "Recipient", size=10.5, space_after=0)
    _style(doc, "Delivery", size=8.5, italic=True, space_after=2)
    _style(doc, "Meta", size=9.5, space_after=6, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _style(doc, "Subject", bold=True, space_after=6)
    _style(doc, "Salutation", space_after=6)
    _style(doc, "Body", space_after=4, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _style(doc, "BodyLead", space_after=4, align=WD_ALIGN_PARAGRAPH.JUSTIFY, keep_next=True)  # before a table
    _style(doc, "SectionHeading", size=11, bold=True, sans=True, color="1F3A5F", space_after=4, keep_next=True)
    _style(doc, "Note", size=7.5, color="444444", space_after=3, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _style(doc, "Closing", space_after=4, keep_next=True)  # the closing never goes alone: kept with the signature
    _style(doc, "ListItem", space_after=2)
    _style(doc, "Words", size=8.5, italic=True, space_after=8, align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.styles["Words"].paragraph_format.keep_together = True
    _style(doc, "Signature", space_after=0, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)  # lines kept together
    _style(doc, "AnnexTitle", size=12, bold=True, sans=True, color="1F3A5F", space_after=6)
    _style(doc, "ReportTitle", size=14, bold=True, sans=True, color="1F3A5F", space_after=10,
           align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "TableText", size=9, space_after=0)
    _style(doc, "TableHead", size=8.5, bold=True, sans=True, color="FFFFFF", space_after=0)
    _style(doc, "TableSpacer", size=4, space_after=2)
    _style(doc, "FooterText", size=7.5, sans=True, color="555555", space_after=0)
    _style(doc, "HeaderText", size=8, sans=True, color="555555", space_after=6)

    body = [
        ("Letterhead", "{{ letterhead_name }}"),
        (None, "{%p if logo %}"), ("LetterheadLine", "{{ logo }}"), (None, "{%p endif %}"),
        (None, "{%p for line in letterhead_lines %}"), ("LetterheadLine", "{{ line }}"), (None, "{%p endfor %}"),
        ("Meta", " "),
        (None, "{%p if is_letter %}"),
        (None, "{{p address_table }}"),
        (None, "{%p else %}"), ("ReportTitle", "{{ title }}"), (None, "{%p endif %}"),
        ("Meta", "{% if reference %}{{ reference }} – {% endif %}{{ place_date }}"),
        (None, "{%p for b in blocks %}"),
        (None, "{%p if b.style == 'subject' %}"), ("Subject", "{{r b.rich }}"),
        (None, "{%p elif b.style == 'salutation' %}"), ("Salutation", "{{r b.rich }}"),
        (None, "{%p elif b.style == 'p' and b.lead %}"), ("BodyLead", "{{r b.rich }}"),
        (None, "{%p elif b.style == 'p' %}"), ("Body", "{{r b.rich }}"),
        (None, "{%p elif b.style == 'heading' %}"), ("SectionHeading", "{{r b.rich }}"),
        (None, "{%p elif b.style == 'note' %}"), ("Note", "{{r b.rich }}"),
        (None, "{%p elif b.style == 'closing' %}"), ("Closing", "{{r b.rich }}"),
        (None, "{%p elif b.style == 'list' %}"),
        (None, "{%p for item in b.entries %}"), ("ListItem", "•\t{{r item }}"), (None, "{%p endfor %}"),
        (None, "{%p elif b.style in ('table', 'fields', 'totals') %}"), (None, "{{p b.subdoc }}"),
        (None, "{%p if b.style == 'totals' %}"), ("Words", "{{ total_in_words }}"), (None, "{%p endif %}"),
        (None, "{%p elif b.style == 'annex' %}"), ("AnnexTitle", "{{ b.title }}"),
        (None, "{%p elif b.style == 'signature' %}"), ("Signature", " "),
        (None, "{%p if signature_image %}"), ("Signature", "{{ signature_image }}"), (None, "{%p endif %}"),
        (None, "{%p for line in signature_lines %}"), ("Signature", "{{ line }}"), (None, "{%p endfor %}"),
        (None, "{%p endif %}"),
        (None, "{%p endfor %}"),
    ]
    first = doc.paragraphs[0] if doc.paragraphs else None
    for style, text in body:
        p = doc.add_paragraph(text, style=style or "Normal")
    if first is not None and not first.text:
        first._p.getparent().remove(first._p)
    annex_marker = [p for p in doc.paragraphs if p.text == "{{ b.title }}"][0]
    annex_marker.paragraph_format.page_break_before = True

    section.different_first_page_header_footer = True  # page 1 has the letterhead, no continuation header
    for part in (section.footer, section.first_page_footer):
        footer = part.paragraphs[0]
        for text in ("{%p for line in company_lines %}", "{{ line }}", "{%p endfor %}"):
            footer.insert_paragraph_before(text, style=doc.styles["FooterText"])
        footer.style = doc.styles["FooterText"]
        footer.add_run("{{ footer }}\t")
        _field(footer, "PAGE")
        footer.add_run("/")
        _field(footer, "NUMPAGES")
        footer.paragraph_format.tab_stops.add_tab_stop(Mm(165), alignment=2)  # right-aligned page counter
    header = section.header.paragraphs[0]  # pages after the first: sender, reference, page n of m
    header.style = doc.styles["HeaderText"]
    header.add_run("{{ letterhead_name }}{% if reference %} · {{ reference }}{% endif %}\t{{ page_before }}")
    _field(header, "PAGE")
    header.add_run("{{ page_between }}")
    _field(header, "NUMPAGES")
    header.add_run("{{ page_after }}")
    header.paragraph_format.tab_stops.add_tab_stop(Mm(165), alignment=2)
    section.first_page_header.is_linked_to_previous = False
    doc.save(str(out))


if __name__ == "__main__":
    build()
