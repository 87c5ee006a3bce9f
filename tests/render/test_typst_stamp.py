"""The signature stamp of a Typst letter is drawn by Typst (templates/shared/typst/stamp.typ): it reads as the
WeasyPrint stamp does, the signature validates, and producing a signed Typst letter never imports WeasyPrint
(nor python-docx)."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pypdf
import pytest

from correspondence.casefile import build_case
from correspondence.pipeline import Signing, compose
from correspondence.sign import SigningKey, ensure_demo_signer, verify_pdf
from tests.casedata import example
from tests.sign.sign_helpers import pdfa_problems, pdfsig, unembedded_fonts
from tests.textutil import normalise, pdf_fonts

ROOT = Path(__file__).resolve().parents[2]
SIGNED_AT = datetime(2026, 3, 2, 9, 41, 30, tzinfo=timezone.utc)


def stamp_text(data: bytes) -> str:
    """What poppler reads inside the signature widget's rectangle (its appearance drawn on the page)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    boxes = [(i, page.mediabox.height, [float(v) for v in a.get_object()["/Rect"]])
             for i, page in enumerate(reader.pages) for a in page.get("/Annots") or []
             if a.get_object().get("/FT") == "/Sig"]
    assert len(boxes) == 1
    index, height, (x1, y1, x2, y2) = boxes[0]
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(index + 1), "-l", str(index + 1),
                          "-x", str(int(x1)), "-y", str(int(float(height) - y2)), "-W", str(int(x2 - x1) + 1),
                          "-H", str(int(y2 - y1) + 1), "-", "-"], input=data, capture_output=True, check=True)
    return normalise(out.stdout.decode("utf-8")).strip()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # noqa: ANN001, ANN201
    return ensure_demo_signer(tmp_path_factory.mktemp("cert"))


@pytest.fixture()
def fixed_clock(monkeypatch):  # noqa: ANN001, ANN201
    """Both signatures stamped with the same minute, so that their texts can be compared."""
    from correspondence.sign import pades

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            return SIGNED_AT.astimezone(tz) if tz else SIGNED_AT.replace(tzinfo=None)

    monkeypatch.setattr(pades, "datetime", Clock)


@pytest.mark.parametrize("language, kind", [("es", "first_demand"), ("it", "legal_notice")])
def test_the_typst_stamp_reads_as_the_weasyprint_one_and_validates(demo, fixed_clock, tmp_path, language, kind):
    p12, password, ca = demo
    signing = Signing(key=SigningKey.from_p12(p12, password))
    case = build_case(example(language, kind=kind))
    signed = {engine: compose(case, engine=engine).sign(signing) for engine in ("weasyprint", "typst")}
    texts = {engine: stamp_text(data) for engine, data in signed.items()}
    assert texts["typst"] == texts["weasyprint"]
    lines = texts["typst"].splitlines()
    assert "DEMO - NOT FOR LEGAL USE" in lines[1]  # the signer, after the title
    assert any(("Fecha: " if language == "es" else "Data: ") + "02/03/2026 10:41 CET" in line for line in lines)
    assert any(case.reference in line for line in lines)  # the reason names the letter
    for engine, data in signed.items():
        report = verify_pdf(data, [ca], allow_fetching=False)
        assert report.valid, (engine, report.all_problems())
        path = tmp_path / f"{engine}.pdf"
        path.write_bytes(data)
        assert "Signature is Valid." in pdfsig(path)
        assert unembedded_fonts(data) == []
    assert "StampFont" in pdf_fonts(signed["weasyprint"]) and "StampFont" not in pdf_fonts(signed["typst"])
    if kind == "legal_notice":  # PDF/A-3b: the Typst stamp keeps the signed letter archival
        assert pdfa_problems(signed["typst"]) == []


def test_a_signed_typst_letter_is_made_without_weasyprint_or_python_docx(tmp_path):
    script = f"""
import json, sys
from pathlib import Path
from correspondence.casefile import build_case
from correspondence.pipeline import Signing, compose
from correspondence.render import typst
from correspondence.sign import SigningKey, ensure_demo_signer, verify_pdf
from tests.casedata import example
p12, password, ca = ensure_demo_signer(Path({str(tmp_path / "cert")!r}))
letter = compose(build_case(example("es", kind="second_demand")), engine="typst")
signed = letter.sign(Signing(key=SigningKey.from_p12(p12, password)))
print(json.dumps({{"valid": verify_pdf(signed, [ca], allow_fetching=False).valid, "ran": typst.ran(),
                  "loaded": [m for m in ("weasyprint", "docx", "docxtpl") if m in sys.modules]}}))
"""
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    assert result == {"valid": True, "ran": True, "loaded": []}


def test_a_campaign_letter_remembers_its_engine_for_signing_later():
    from correspondence.campaign.production import Job, Produced, produce_job

    case = build_case(example("es", kind="first_demand")).model_dump(mode="json")
    produced = produce_job(Job("x", case, ("pdf",), False, "fp", (2,), engine="typst"))
    assert produced.error is None
    again = Produced.from_json(json.loads(json.dumps(produced.to_json())))  # as a Celery result travels
    assert again.rendering("x.pdf").engine == "typst"
