"""Pagination a practitioner signs as is (issue 12 item 25): a one-invoice reminder on one page, a
continuation header on later pages, totals kept with their lead-in, a return-address line never clipped."""
from __future__ import annotations

import io
import itertools
import re
import zipfile

import pypdf
import pytest

from correspondence.casefile import build_case
from correspondence.model import CreditType, DebtorType
from correspondence.render import compose_document, render_docx, render_pdf
from tests.casedata import CONSUMER_TAX_IDS, example
from tests.textutil import normalise

TONES = ("courteous", "firm", "stern")


def _one_invoice(language: str, kind: str, tone: str) -> dict:
    data = example(language, kind=kind, tone=tone)
    data["claim"]["invoices"] = data["claim"]["invoices"][:1]
    data["claim"]["payments"] = []
    return data


def _pages(data: dict) -> list[str]:
    rendered = render_pdf(compose_document(build_case(data)))
    reader = pypdf.PdfReader(io.BytesIO(rendered.data))
    assert len(reader.pages) == rendered.pages
    return [normalise(page.extract_text()) for page in reader.pages]


REMINDERS = list(itertools.product(("it", "es"), ("first_demand", "second_demand"), TONES,
                                   [c.value for c in CreditType], [d.value for d in DebtorType]))


@pytest.mark.parametrize("language,kind,tone,credit_type,debtor_type", REMINDERS,
                         ids=["-".join(c) for c in REMINDERS])
def test_every_one_invoice_reminder_fits_one_page(language, kind, tone, credit_type, debtor_type):
    # the whole matrix: both languages, every tone, credit type and debtor type (notes for consumers included)
    data = _one_invoice(language, kind, tone)
    data["credit_type"], data["debtor"]["type"] = credit_type, debtor_type
    if debtor_type == "consumer":
        data["debtor"]["tax_id"] = CONSUMER_TAX_IDS[language]
    rendered = render_pdf(compose_document(build_case(data)))
    reader = pypdf.PdfReader(io.BytesIO(rendered.data))
    assert len(reader.pages) == rendered.pages == 1, normalise(reader.pages[-1].extract_text())[:300]
    text = normalise(reader.pages[0].extract_text())
    assert data["signatory"]["name"] in text and "1/1" in text
    assert rendered.signature_box is not None and rendered.signature_box.page == 0


def test_a_reminder_that_spills_over_is_laid_out_compact_and_fits_one_page():
    from correspondence.render.pdf import _render, html_for

    data = _one_invoice("es", "second_demand", "stern")
    data["credit_type"], data["debtor"]["type"] = "professional_fees", "public_administration"
    doc = compose_document(build_case(data))
    assert _render(doc, pdfa=False, compact=False).pages == 2  # the 10 pt layout spills the signature over
    rendered = render_pdf(doc)
    assert rendered.pages == 1 and rendered.signature_box is not None and rendered.signature_box.page == 0
    html = html_for(doc, compact=True)
    assert '<html lang="es" class="compact">' in html and '<div class="sign-off"><p class="closing">' in html


@pytest.mark.parametrize("language,sender,reference,label", [
    ("it", "Studio Legale Verdi", "Rif. PR-2026/0147", "Pagina {n} di {m}"),
    ("es", "Martín & Ortega Abogados, S.L.P.", "Ref. EXP-2026/0318", "Página {n} de {m}"),
])
def test_pages_after_the_first_carry_a_continuation_header(language, sender, reference, label):
    pages = _pages(example(language, kind="legal_notice"))
    assert len(pages) >= 2
    assert label.format(n=1, m=len(pages)) not in pages[0]  # page 1 has the letterhead instead
    for n, page in enumerate(pages[1:], start=2):
        assert f"{sender} · {reference}" in page, page[:300]
        assert label.format(n=n, m=len(pages)) in page


def test_continuation_header_without_a_reference_names_the_sender():
    data = example("it", kind="legal_notice")
    data.pop("reference", None)
    pages = _pages(data)
    assert "Studio Legale Verdi" in pages[1] and "Rif." not in pages[1].split("Pagina 2")[0][-80:]


def test_docx_has_the_continuation_header_on_later_pages_only():
    raw = render_docx(compose_document(build_case(example("es", kind="legal_notice"))))
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        document = z.read("word/document.xml").decode()
        headers = {n: z.read(n).decode() for n in z.namelist() if re.match(r"word/header\d+\.xml", n)}
    assert "<w:titlePg/>" in document or "<w:titlePg " in document  # a different first page
    continuation = [x for x in headers.values() if "PAGE" in x]
    assert len(continuation) == 1
    text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", continuation[0]))
    assert "Martín &amp; Ortega Abogados, S.L.P. · Ref. EXP-2026/0318" in text and "Página" in text and " de " in text
    assert "NUMPAGES" in continuation[0]


def test_totals_stay_with_the_sentence_that_introduces_them():
    from correspondence.render.pdf import html_for

    data = example("it", kind="first_demand")
    data["claim"]["payments"] = []
    base = data["claim"]["invoices"][0]
    html = html_for(compose_document(build_case(data)))
    leads = [m.end() for m in re.finditer(r'<p class="body lead-in">.*?</p>', html, re.S)]
    follows = r"\s*(<table class=\"data\">|<div class=\"totals-block\">|(<div class=\"sign-off\">)?<p class=\"closing\">)"
    assert leads and all(re.match(follows, html[i:]) for i in leads)
    # many invoices push the totals to the foot of a page: they never start a page away from their table
    for count in (14, 22):
        data["claim"]["invoices"] = [dict(base, number=f"2026/{i:03d}") for i in range(1, count + 1)]
        total = compose_document(build_case(data)).totals[-1][0]
        for page in _pages(data):
            if total in page:
                assert "2026/" in page.split(total)[0]


def test_return_address_line_is_never_clipped():
    import pypdfium2

    data = example("es")
    data["representative"]["address"] = {"street": "Calle de Serrano 41, 3.º izquierda, oficina 12",
                                         "postal_code": "28001", "city": "Madrid", "province": "Madrid",
                                         "country": "ES"}
    doc = compose_document(build_case(data))
    assert doc.return_line.endswith("28001 Madrid (Madrid)")
    rendered = render_pdf(doc)
    line = rendered.boxes["return-line"]
    x1, y1, x2, y2 = line.box
    assert x2 - x1 <= 85 / 25.4 * 72 + 0.5  # inside the 85 mm address block
    pdf = pypdfium2.PdfDocument(rendered.data)
    inside = pdf[line.page].get_textpage().get_text_bounded(x1 - 1, y1 - 1, x2 + 1, y2 + 1)
    assert "28001 Madrid (Madrid)" in " ".join(inside.split())


def test_a_letter_that_overflows_never_leaves_the_closing_alone_on_the_last_page():
    data = example("es", kind="second_demand", tone="firm")  # many invoices: the letter runs past one page
    base = data["claim"]["invoices"][0]
    data["claim"]["invoices"] = [dict(base, number=f"F-2026/{i:03d}") for i in range(1, 13)]
    data["claim"]["payments"] = []
    doc = compose_document(build_case(data))
    pages = _pages(data)
    assert len(pages) >= 2
    closing = next(b for b in doc.blocks if b.style == "closing")
    before = doc.blocks[doc.blocks.index(closing) - 1]
    assert before.style == "p"
    last = pages[-1]
    assert normalise(closing.text) in last and normalise(before.text)[:40] in last


def test_docx_keeps_the_totals_together_and_the_closing_with_the_signature():
    import docx

    doc = compose_document(build_case(_one_invoice("it", "second_demand", "firm")))
    word = docx.Document(io.BytesIO(render_docx(doc)))
    styles = word.styles
    assert styles["Closing"].paragraph_format.keep_with_next and styles["Signature"].paragraph_format.keep_with_next
    assert styles["BodyLead"].paragraph_format.keep_with_next
    paragraphs = word.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.style.name == "Closing")
    body = paragraphs[at - 1]
    assert body.style.name == "BodyLead"  # the sentence before the closing goes with it
    totals = next(t for t in word.tables if doc.totals[-1][0] in t.rows[-1].cells[0].text)
    for row in totals.rows:
        assert row._tr.trPr is not None and row._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit") is not None
        assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
