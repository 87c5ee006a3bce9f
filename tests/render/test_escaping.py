"""Hostile and unusual data survive in both formats, verbatim, and never become markup."""
from __future__ import annotations

import io
import zipfile

import pytest

from correspondence.casefile import build_case
from correspondence.render import compose_document, render_docx, render_pdf
from tests.casedata import example
from tests.textutil import docx_text, pdf_flat

NAME = "Àlfa & Bèta <Ñandú> \"Çedilla\" 'Ltd'"
STREET = ("Via dei Mille " + "lunghissima " * 16).strip()[:200]


@pytest.mark.parametrize("language", ["it", "es"])
def test_special_characters_and_long_street_survive(language):
    assert len(STREET) == 200
    data = example(language, debtor__name=NAME, debtor__address__street=STREET)
    data["claim"]["invoices"][0]["description"] = "Servizi <b>non</b> & \"extra\""
    doc = compose_document(build_case(data))
    pdf = pdf_flat(render_pdf(doc).data)
    raw_docx = render_docx(doc)
    text = docx_text(raw_docx).replace("\n", " ")
    for fmt, content in (("pdf", pdf), ("docx", text)):
        assert NAME in content, fmt
        assert "Servizi <b>non</b> & \"extra\"" in content, fmt
        # the street may wrap in the PDF; every word must be there in order
        assert " ".join(STREET.split()) in content.replace("- ", "-"), fmt
    with zipfile.ZipFile(io.BytesIO(raw_docx)) as zf:
        assert zf.testzip() is None
        xml = zf.read("word/document.xml").decode()
    assert "&amp; Bèta &lt;Ñandú&gt;" in xml


def test_wording_cannot_be_injected_through_data():
    # A name that looks like wording markup is printed, not interpreted.
    hostile = "</p><table ref=\"periods\"/><p>Pwned"
    doc = compose_document(build_case(example("it", debtor__name=hostile)))
    pdf = pdf_flat(render_pdf(doc).data)
    assert hostile in pdf
