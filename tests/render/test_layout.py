"""Rendered output compared as structure: pages, repeated headers, page numbers, fonts, PDF/A."""
from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pypdf

from correspondence.casefile import build_case
from correspondence.render import compose_document, render_docx, render_pdf
from tests.casedata import example
from tests.textutil import normalise


def _many_invoices(n: int) -> dict:
    data = example("it", kind="first_demand")
    data["claim"]["payments"] = []
    data["claim"]["invoices"] = [
        {"number": f"2026/{i:03d}", "issue_date": dt.date(2026, 1, 1) + dt.timedelta(days=i),
         "due_date": dt.date(2026, 2, 1) + dt.timedelta(days=i), "amount": f"{100 + i}.00",
         "description": f"Fornitura lotto {i}"} for i in range(1, n + 1)]
    return data


def test_long_invoice_table_repeats_its_header_and_numbers_pages():
    rendered = render_pdf(compose_document(build_case(_many_invoices(70))))
    reader = pypdf.PdfReader(io.BytesIO(rendered.data))
    pages = [normalise(p.extract_text()) for p in reader.pages]
    assert len(pages) == rendered.pages >= 3
    assert all("Fattura n." in page for page in pages[:2])
    for i, page in enumerate(pages, start=1):
        assert f"{i}/{len(pages)}" in page
    # every invoice appears exactly once across the pages
    numbers = re.findall(r"2026/\d{3}", " ".join(pages))
    assert sorted(set(numbers)) == [f"2026/{i:03d}" for i in range(1, 71)]


def test_docx_table_header_repeats_and_is_a_real_table():
    document = docx.Document(io.BytesIO(render_docx(compose_document(build_case(_many_invoices(40))))))
    invoice_table = next(t for t in document.tables if t.rows[0].cells[0].text == "Fattura n.")
    assert len(invoice_table.rows) == 1 + 40 + 1
    assert invoice_table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert len(document.paragraphs) > 10  # real paragraphs, not one text run


def test_fonts_are_the_packaged_ones_and_embedded():
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(compose_document(build_case(example("it")))).data))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor.get_object()
    # "Doc Serif" / "Doc Sans" exist only as the packaged @font-face Liberation files, never on the system
    assert fonts and all("+Doc-" in name for name in fonts), fonts
    assert all(fonts.values()), "every font must be embedded"


def test_legal_notice_is_pdfa_by_default_and_first_demand_is_not():
    notice = render_pdf(compose_document(build_case(example("it", kind="legal_notice"))))
    letter = render_pdf(compose_document(build_case(example("it", kind="first_demand"))))
    assert notice.pdfa and not letter.pdfa
    reader = pypdf.PdfReader(io.BytesIO(notice.data))
    root = reader.trailer["/Root"]
    assert "/OutputIntents" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part(="|>)3', xmp) and re.search(r'pdfaid:conformance(="|>)B', xmp), xmp
    assert not reader.is_encrypted


def test_signature_box_is_where_the_signature_block_is():
    rendered = render_pdf(compose_document(build_case(example("it"))))
    box = rendered.signature_box
    assert box is not None
    x1, y1, x2, y2 = box.box
    assert 0 < x1 < x2 <= 595.3 and 0 < y1 < y2 <= 841.9
    page = pypdf.PdfReader(io.BytesIO(rendered.data)).pages[box.page]
    found = []

    def visit(text, cm, tm, *_):  # text origin in page space: the text matrix through the CTM
        x, y = tm[4], tm[5]
        found.append((text, x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    name = [(x, y) for text, x, y in found if "Avv. Maria Verdi" in text]
    assert name, "the signatory's name is printed on the page of the signature box"
    x, y = name[0]
    # the stamp area sits right under the signatory's name and role, within the same column
    assert x1 <= x <= x2 and y2 < y < y2 + 60, (name, box.box)


def test_brand_changes_layout_not_wording():
    plain = compose_document(build_case(example("it")))
    data = example("it")
    data["brand"] = {"name": "Recupero Crediti Alfa", "primary_color": "#7A1F1F", "font": "sans",
                     "letterhead_lines": ["Via Verdi 3, Roma"], "footer": "Alfa S.r.l. – Autorizzazione art. 115 TULPS"}
    branded = compose_document(build_case(data))
    assert [b.text for b in plain.blocks] == [b.text for b in branded.blocks]
    text = normalise(pypdf.PdfReader(io.BytesIO(render_pdf(branded).data)).pages[0].extract_text())
    assert "Recupero Crediti Alfa" in text and "Autorizzazione art. 115 TULPS" in text
    document = docx.Document(io.BytesIO(render_docx(branded)))
    assert document.styles["Normal"].font.name == "Liberation Sans"
    assert str(document.styles["Letterhead"].font.color.rgb) == "7A1F1F"
