"""The library renders a case once and signs those bytes: compose, then .pdf(), .docx() and .sign()."""
from __future__ import annotations

from pathlib import Path

from correspondence.casefile import build_case
from correspondence.pipeline import Signing, compose
from correspondence.sign import SigningKey, ensure_demo_signer, verify_pdf
from tests.casedata import example
from tests.textutil import docx_text, pdf_flat


def test_one_composition_gives_both_formats_and_a_signature_over_the_rendered_pdf(tmp_path: Path) -> None:
    p12, password, _ = ensure_demo_signer(tmp_path / "cert")
    letter = compose(build_case(example("it", kind="second_demand", tone="firm")))
    pdf, docx = letter.pdf(), letter.docx()
    assert letter.pdf() is pdf  # rendered once
    assert "2.081,15" in pdf_flat(pdf.data) and "2.081,15" in docx_text(docx.data)
    signed = letter.sign(Signing(key=SigningKey.from_p12(p12, password)))
    assert signed.startswith(pdf.data) and len(signed) > len(pdf.data)
    report = verify_pdf(signed, [tmp_path / "cert" / "demo-ca.pem"], allow_fetching=False)
    assert report.valid, report.all_problems()
