"""`render --sign`: a signed PDF/A letter that validates, or exit 2 and no file."""
from __future__ import annotations

import io
import json
import re

import pypdf
import pytest

from correspondence.cli.app import main
from correspondence.sign import verify_pdf
from tests.casedata import EXAMPLES
from tests.textutil import pdf_flat


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_render_sign_with_demo_certificate_validates_and_stays_pdfa(tmp_path, home, capsys):
    out = tmp_path / "diffida.pdf"
    assert main(["render", str(EXAMPLES / "case-it.yaml"), "--kind", "legal_notice", "--sign", "-o", str(out)]) == 0
    assert "DEMO" in capsys.readouterr().err  # the warning every signing command gives, on stderr
    data = out.read_bytes()
    report = verify_pdf(data, [home / "demo-cert" / "demo-ca.pem"], allow_fetching=False)
    assert report.valid, report.all_problems()
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert "/OutputIntents" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    info_producer = str(reader.metadata["/Producer"])
    xmp_producer = re.search(r'pdf:Producer(?:="|>)([^"<]*)', xmp).group(1)
    assert info_producer == xmp_producer  # PDF/A: Info and XMP stay equivalent after signing
    # the visible stamp carries the Italian labels
    assert "Firmato digitalmente da" in pdf_flat(data)


def test_render_sign_with_wrong_password_exits_2_without_output(tmp_path, home, capsys):
    from correspondence.sign import ensure_demo_signer

    p12, _password, _ca = ensure_demo_signer(tmp_path / "certs")
    wrong = tmp_path / "pw.txt"
    wrong.write_text("not-the-password\n")
    out = tmp_path / "x.pdf"
    code = main(["render", str(EXAMPLES / "case-it.yaml"), "--sign", "--p12", str(p12),
                 "--p12-password-file", str(wrong), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "password" in err.lower(), err
    assert not out.exists() and list(tmp_path.glob(".x.pdf*")) == []


def test_signing_a_docx_is_refused_with_exit_2(tmp_path, home, capsys):
    code = main(["render", str(EXAMPLES / "case-it.yaml"), "--sign", "-o", str(tmp_path / "x.docx")])
    assert code == 2 and "--sign" in capsys.readouterr().err


def _sig_fields(data: bytes) -> list[tuple[int, str, list[float], bool]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    out = []
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                out.append((index, str(annot["/T"]), [float(v) for v in annot["/Rect"]], "/V" in annot))
    return out


def test_rendered_letter_carries_an_empty_field_that_sign_fills(tmp_path, home, capsys):
    from correspondence.casefile import load_case
    from correspondence.render import compose_document, render_pdf

    letter, signed = tmp_path / "letter.pdf", tmp_path / "signed.pdf"
    assert main(["render", str(EXAMPLES / "case-es.yaml"), "-o", str(letter)]) == 0
    box = render_pdf(compose_document(load_case(EXAMPLES / "case-es.yaml"))).signature_box
    [(page, name, rect, filled)] = _sig_fields(letter.read_bytes())
    assert (page, name, filled) == (box.page, "Signature1", False)
    assert rect == pytest.approx(list(box.box), abs=0.01)
    reader = pypdf.PdfReader(io.BytesIO(letter.read_bytes()))  # still PDF/A: Info and XMP agree
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert str(reader.metadata["/Producer"]) == re.search(r'pdf:Producer(?:="|>)([^"<]*)', xmp).group(1)

    assert main(["sign", str(letter), "-o", str(signed)]) == 0  # no box given: the prepared field is used
    [(page2, name2, rect2, filled2)] = _sig_fields(signed.read_bytes())
    assert (page2, name2, filled2) == (box.page, "Signature1", True) and rect2 == pytest.approx(rect, abs=0.01)
    report = verify_pdf(signed.read_bytes(), [home / "demo-cert" / "demo-ca.pem"], allow_fetching=False)
    assert report.valid, report.all_problems()


def test_signature_field_can_be_turned_off(tmp_path, home):
    import yaml

    from tests.casedata import example

    data = example("it", options={"signature_field": False})
    case_file = tmp_path / "case.yaml"
    case_file.write_text(yaml.safe_dump(json.loads(json.dumps(data, default=str)), allow_unicode=True))
    assert main(["render", str(case_file), "-o", str(tmp_path / "x.pdf")]) == 0
    assert _sig_fields((tmp_path / "x.pdf").read_bytes()) == []
