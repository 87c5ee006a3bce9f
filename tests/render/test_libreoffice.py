"""The DOCX in an independent word processor: LibreOffice converts it, keeps every fact, and a one-invoice
reminder fits one page there too (issue 12 item 25), with the packaged fonts the DOCX embeds.

Every DOCX of the module is converted by one soffice run (about 1-2 s a document).
"""
from __future__ import annotations

import io
import itertools
import shutil
import subprocess
from dataclasses import dataclass

import docx
import pypdf
import pytest

from correspondence.casefile import build_case
from correspondence.model import CreditType, DebtorType
from correspondence.render import Document, compose_document, render_docx, render_pdf
from tests.casedata import CONSUMER_TAX_IDS, example
from tests.textutil import normalise, pdf_flat, pdf_fonts

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed")
ODD_NAME = "Àlfa & Bèta <Ñandú> \"Çedilla\""
LONGEST = 3  # the longest one-invoice reminders of each language, by text length


@dataclass
class Converted:
    doc: Document
    docx: bytes
    pdf: bytes  # as LibreOffice converted the DOCX
    pdf_compact: bool  # the layout our own PDF took


def _one_invoice(language: str, tone: str, credit_type: str, debtor_type: str) -> Document:
    data = example(language, kind="second_demand", tone=tone, credit_type=credit_type, debtor__type=debtor_type)
    if debtor_type == "consumer":
        data["debtor"]["tax_id"] = CONSUMER_TAX_IDS[language]
    data["claim"]["invoices"] = data["claim"]["invoices"][:1]
    data["claim"]["payments"] = []
    return compose_document(build_case(data))


def _longest(language: str) -> list[Document]:
    """The second demands are the longer reminders (bench/pages.py --docx measures all 252, first demands too)."""
    docs = [_one_invoice(language, tone, ct.value, dt.value)
            for tone, ct, dt in itertools.product(("courteous", "firm", "stern"), CreditType, DebtorType)]
    return sorted(docs, key=lambda d: -sum(len(b.text) for b in d.blocks))[:LONGEST]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Converted]:
    folder = tmp_path_factory.mktemp("libreoffice")
    docs = {f"odd-{lang}": compose_document(build_case(example(lang, debtor__name=ODD_NAME))) for lang in ("it", "es")}
    for lang in ("it", "es"):
        docs.update({f"long-{lang}-{i}": d for i, d in enumerate(_longest(lang))})
    compact: dict[str, bool] = {}
    for name, doc in docs.items():
        rendered = render_pdf(doc, pdfa=False)
        compact[name] = rendered.compact
        (folder / f"{name}.docx").write_bytes(render_docx(doc, compact=rendered.compact))
    profile = (folder / "profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(folder), *(str(folder / f"{name}.docx") for name in docs)],
                   check=True, capture_output=True, timeout=300)
    return {name: Converted(doc, (folder / f"{name}.docx").read_bytes(), (folder / f"{name}.pdf").read_bytes(),
                            compact[name]) for name, doc in docs.items()}


def _page_text(pdf: bytes, page: int) -> str:
    """One page's text as poppler reads it, lines joined (pypdf loses LibreOffice's accents)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-", "-"], input=pdf,
                         capture_output=True, check=True).stdout.decode()
    return " ".join(normalise(out).split())


@pytest.mark.parametrize("language", ["it", "es"])
def test_libreoffice_opens_the_docx(converted, language):
    letter = converted[f"odd-{language}"]
    doc, text = letter.doc, pdf_flat(letter.pdf)
    assert ODD_NAME in text
    for invoice in doc.case.claim.invoices:
        assert invoice.number in text
    assert doc.pack.money(doc.statement.total_due).replace("\u00a0", " ") in text
    assert doc.case.signatory.name in text


@pytest.mark.parametrize("language", ["it", "es"])
@pytest.mark.parametrize("rank", range(LONGEST))
def test_the_longest_one_invoice_reminders_fit_one_page_in_libreoffice(converted, language, rank):
    letter = converted[f"long-{language}-{rank}"]
    fonts = pdf_fonts(letter.pdf)
    assert "LiberationSerif" in fonts and "LiberationSerif-Bold" in fonts  # the packaged faces the DOCX embeds
    pages = len(pypdf.PdfReader(io.BytesIO(letter.pdf)).pages)
    assert pages == 1, _page_text(letter.pdf, pages)[:300]
    page = _page_text(letter.pdf, 1)
    closing = next(b for b in letter.doc.blocks if b.style == "closing")
    assert " ".join(normalise(closing.text).split()) in page
    assert letter.doc.case.signatory.name in page and "1/1" in page
    # the DOCX took the layout the PDF took (the longest ones need the compact one)
    body = docx.Document(io.BytesIO(letter.docx)).styles["Body"].font.size.pt
    assert letter.pdf_compact and body == 9.5


def test_a_docx_without_a_pdf_takes_the_pdfs_layout_decision(converted):
    letter = converted["long-es-0"]
    alone = docx.Document(io.BytesIO(render_docx(letter.doc))).styles  # no compact= given: decided as the PDF
    assert alone["Body"].font.size.pt == 9.5 and alone["Note"].font.size.pt == 7
    plain = docx.Document(io.BytesIO(converted["odd-es"].docx)).styles  # a legal notice: never compact
    assert not converted["odd-es"].pdf_compact and plain["Body"].font.size.pt == 10
