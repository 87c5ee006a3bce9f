"""A letter signed as soon as it is laid out (`pipeline.produce` with signing: `case render --sign`, batches of
case files, campaign workers) is one incremental update over the layout: the signature creates its field over
the box the layout reserved, instead of an empty field drawn first and signed in a second update."""
from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from correspondence.casefile import build_case
from correspondence.pipeline import SIGNATURE_FIELD, compose, produce, server_key, server_signing
from correspondence.sign import ensure_demo_signer, verify_pdf
from tests.casedata import example


@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_signed_at_once_is_one_update_with_the_field_over_the_reserved_box(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    server_key.cache_clear()
    try:
        case = build_case(example("it"))
        signed = produce(case, "pdf", signing=server_signing("B-B"), engine=engine)
    finally:
        server_key.cache_clear()
    unsigned = compose(case, engine=engine).render("pdf")  # what a letter for signing later carries
    assert unsigned.data.count(b"%%EOF") == 2  # the layout, then the empty field
    assert signed.count(b"%%EOF") == 2  # the layout, then the signature with its field
    [signature] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    box = unsigned.signature_box
    assert signature.field_name == SIGNATURE_FIELD
    assert [round(float(x), 2) for x in signature.sig_field["/Rect"]] == [round(x, 2) for x in box.box]
    _p12, _password, ca = ensure_demo_signer(tmp_path / "home" / "demo-cert")
    assert verify_pdf(signed, [ca], allow_fetching=False).valid
