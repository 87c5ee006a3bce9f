"""The Typst engine (render/typst.py): the same letter as WeasyPrint's, word for word and to the cent; case data
printed literally, never run as Typst; PDF/A-3b; the signature stamp where the signature block landed; the
engine chosen on `render` and `batch`, an unknown one refused with exit 2."""
from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pypdf
import pytest

from correspondence.casefile import build_case
from correspondence.cli.app import main
from correspondence.pipeline import Signing, compose
from correspondence.render import compose_document, render_pdf
from correspondence.render.brandkit import BrandKit
from correspondence.render.document import check_logo
from correspondence.render.pdf import EmbeddedFile
from correspondence.render.typst import render_typst
from correspondence.sign import SigningKey, ensure_demo_signer, verify_pdf
from tests.campaign.helpers import template
from tests.casedata import EXAMPLES, PLANS, example
from tests.render.test_logo import jpeg, png
from tests.sign.sign_helpers import pdfa_problems
from tests.textutil import pdf_flat, pdf_fonts

#: kinds x languages compared word for word: demands, the legal notice, a plan, a missed instalment, the report
MATRIX = [("it", "first_demand"), ("it", "second_demand"), ("it", "legal_notice"), ("it", "payment_plan"),
          ("es", "first_demand"), ("es", "missed_instalment"), ("es", "legal_notice"),
          ("es", "uncollectability_report")]
MONEY = re.compile(r"−?\s?\d{1,3}(?:\.\d{3})*,\d{2}\s?€")
A4 = (595.0, 842.0)


def _case(language: str, kind: str) -> dict:
    plan = {"plan": PLANS[language]} if kind in ("payment_plan", "missed_instalment") else {}
    return example(language, kind=kind, **plan)


def body_text(data: bytes) -> str:
    """The text inside the page margins (header and footer left out: they repeat per page), in content order,
    page after page; pdftotext (poppler) reads it, an independent reader."""
    pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    out = []
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-f", str(page), "-l", str(page),
                               "-x", "0", "-y", "46", "-W", "595", "-H", "750", "-", "-"],
                              input=data, capture_output=True, check=True).stdout.decode("utf-8")
        out.append(text.replace("\u00ad", "").replace("-\n", "").replace("•", ""))  # hyphens, list markers
    return "\n".join(out)


def squeezed(text: str) -> str:
    """Whitespace normalised away: the engines justify lines differently (a justified gap can vanish)."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def both() -> dict[tuple[str, str], tuple[bytes, bytes, int, int]]:
    out = {}
    for language, kind in MATRIX:
        doc = compose_document(build_case(_case(language, kind)))
        weasy, typst = render_pdf(doc), render_typst(doc)
        out[(language, kind)] = (weasy.data, typst.data, weasy.pages, typst.pages)
    return out


@pytest.mark.parametrize("language,kind", MATRIX)
def test_typst_prints_the_same_words_in_the_same_order_as_weasyprint(both, language, kind):
    weasy, typst, weasy_pages, typst_pages = both[(language, kind)]
    a, b = body_text(weasy), body_text(typst)
    assert squeezed(a) == squeezed(b)
    assert [squeezed(m) for m in MONEY.findall(a)] == [squeezed(m) for m in MONEY.findall(b)]
    assert len(MONEY.findall(b)) >= 3  # the figures are there, to the cent
    assert weasy_pages == typst_pages


def test_page_furniture_footer_page_numbers_and_continuation_header(both):
    _, typst, _, pages = both[("it", "legal_notice")]
    assert pages == 3
    reader = pypdf.PdfReader(io.BytesIO(typst))
    for number in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number), "-", "-"],
                              input=typst, capture_output=True, check=True).stdout.decode()
        assert f"{number}/{pages}" in text and "Studio Legale Verdi" in text
        assert (f"Pagina {number} di {pages}" in text) == (number > 1)  # the header after the first page
        assert "Rif. PR-2026/0147" in text
        assert [round(float(v)) for v in reader.pages[number - 1].mediabox[2:]] == [595, 842]


def test_case_data_is_printed_literally_never_run_as_typst(tmp_path):
    evil = '#import "x": *'
    data = example("it", kind="first_demand", debtor__name=f'{evil} #read("/etc/passwd") $x^2$ *b* <l> @ref \\ ]')
    data["reference"] = '#panic("no") `raw` #sys.inputs'
    pdf = render_typst(compose_document(build_case(data))).data
    text = pdf_flat(pdf)
    assert f'{evil} #read("/etc/passwd") $x^2$ *b* <l> @ref \\ ]' in text
    assert '#panic("no") `raw` #sys.inputs' in text
    assert "root:" not in text


def test_pdfa_3b_with_an_attachment_when_asked():
    doc = compose_document(build_case(example("es", kind="legal_notice")))
    annex = EmbeddedFile("factura.xml", b"<Facturae/>", "application/xml", "factura", "Source")
    rendered = render_typst(doc, attachments=(annex,))  # a legal notice is PDF/A by default
    assert rendered.pdfa and pdfa_problems(rendered.data) == []
    reader = pypdf.PdfReader(io.BytesIO(rendered.data))
    assert reader.attachments == {"factura.xml": [b"<Facturae/>"]}
    plain = render_typst(compose_document(build_case(example("es", kind="first_demand"))), pdfa=False)
    assert not plain.pdfa and "/OutputIntents" not in pypdf.PdfReader(io.BytesIO(plain.data)).trailer["/Root"]


SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"><rect width="40" height="10" fill="#135"/>'
       b'<image href="file:///etc/passwd"/></svg>')


@pytest.mark.parametrize("logo", [png(120, 40), jpeg(90, 30), SVG], ids=["png", "jpeg", "svg"])
def test_brand_logo_and_handwritten_signature_are_drawn_from_bytes(logo):
    data = example("it", kind="first_demand", brand__primary_color="#7a1f3d")
    data["brand"]["signatory"] = {"name": "Avv. Maria Verdi", "role": "Avvocato"}
    del data["signatory"]  # the brand's handwritten signature goes with the brand's own signatory
    case = build_case(data)
    kit = BrandKit(case.brand, logo=check_logo(logo), signature=check_logo(png(60, 20)))
    rendered = render_typst(compose_document(case, kit=kit))
    images = subprocess.run(["pdfimages", "-list", "-"], input=rendered.data, capture_output=True,
                            check=True).stdout.decode().splitlines()[2:]
    assert len(images) == (1 if logo is SVG else 2)  # an SVG logo stays vector graphics
    assert "Studio Legale Verdi" in pdf_flat(rendered.data)


def test_signed_typst_letter_validates_with_the_stamp_over_the_signature_block(tmp_path):
    p12, password, ca = ensure_demo_signer(tmp_path / "cert")
    letter = compose(build_case(example("es", kind="second_demand")), engine="typst")
    pdf = letter.pdf()
    assert pdf.signature_box is not None and pdf.signature_box.page == 1  # the block fell on page 2
    signed = letter.sign(Signing(key=SigningKey.from_p12(p12, password)))
    assert signed.startswith(pdf.data)
    report = verify_pdf(signed, [ca], allow_fetching=False)
    assert report.valid, report.all_problems()
    reader = pypdf.PdfReader(io.BytesIO(signed))
    widgets = [(i, [float(v) for v in a.get_object()["/Rect"]]) for i, page in enumerate(reader.pages)
               for a in page.get("/Annots") or [] if a.get_object().get("/FT") == "/Sig"]
    assert len(widgets) == 1
    page, rect = widgets[0]
    assert page == 1 and rect == pytest.approx(list(pdf.signature_box.box), abs=0.01)
    # the reserved room lies under the signature lines: the signatory's name is printed just above it
    words = subprocess.run(["pdftotext", "-bbox", "-f", "2", "-l", "2", "-", "-"], input=signed,
                           capture_output=True, check=True).stdout.decode()
    names = [A4[1] - float(y) for y in re.findall(r'yMax="([\d.]+)">Ortega</word>', words)]  # bottoms, PDF points
    assert any(0 < bottom - rect[3] < 60 for bottom in names), (names, rect)
    out = tmp_path / "signed.pdf"
    out.write_bytes(signed)
    check = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True)
    assert "Signature is Valid." in check.stdout


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_render_engine_option_and_unknown_engine_exits_2(tmp_path, home, capsys):
    out = tmp_path / "letter.pdf"
    assert main(["render", str(EXAMPLES / "case-es.yaml"), "--engine", "typst", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert b"Typst" in data and "Construcciones Alcalá Norte, S.A." in pdf_flat(data)
    capsys.readouterr()
    assert main(["render", str(EXAMPLES / "case-es.yaml"), "--engine", "prince", "-o", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert "--engine" in err and "weasyprint, typst" in err and not (tmp_path / "x.pdf").exists()
    assert main(["render", str(EXAMPLES / "case-es.yaml"), "--engine", "typst", "-o", str(tmp_path / "x.docx")]) == 2
    assert "--engine" in capsys.readouterr().err


def test_batch_campaign_with_typst_signs_every_letter(tmp_path, home, capsys):
    folder = template(tmp_path / "tpl")
    p12, password, ca = ensure_demo_signer(tmp_path / "certs")
    (tmp_path / "pw").write_text(password)
    out = tmp_path / "out"
    assert main(["batch", str(folder / "debtors.csv"), "--mapping", str(folder / "mapping.yaml"), "-o", str(out),
                 "--kind", "first_demand", "--engine", "typst", "--p12", str(p12), "--p12-password-file",
                 str(tmp_path / "pw"), "--workers", "1"]) == 0
    signed = sorted(out.glob("*.signed.pdf"))
    assert len(signed) == 3
    for path in signed:
        data = path.read_bytes()
        assert b"Typst" in data and verify_pdf(data, [ca], allow_fetching=False).valid
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    verdi = next(c for c in manifest["cases"] if c["case"] == "IT01234560017")
    total = f"{float(verdi['total']):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")  # 1.081,75
    assert total in pdf_flat((out / "IT01234560017.signed.pdf").read_bytes())
    capsys.readouterr()
    assert main(["batch", str(folder / "debtors.csv"), "--mapping", str(folder / "mapping.yaml"), "-o",
                 str(tmp_path / "o2"), "--engine", "fop"]) == 2
    assert "--engine" in capsys.readouterr().err


def test_typst_batch_on_a_forked_pool_finishes(tmp_path):
    """`batch --engine typst --workers 2` as a user runs it: a worker forked after Typst had compiled in the
    coordinator waited forever on Typst's (not inherited) thread pool; the CLI run must finish, every letter
    laid out by Typst. A run from a process where Typst has already run (this one) starts its pool by spawn."""
    import os
    import sys

    folder = template(tmp_path / "tpl")
    out = tmp_path / "out"
    env = {**os.environ, "CORRESPONDENCE_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "correspondence", "batch", str(folder / "debtors.csv"), "--mapping",
                           str(folder / "mapping.yaml"), "-o", str(out), "--kind", "first_demand", "--engine", "typst",
                           "--workers", "2"], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 3 and all(b"Typst" in p.read_bytes() for p in pdfs)
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["summary"]["done"] == 3


def test_a_batch_of_case_files_after_typst_has_run_here_finishes(tmp_path):
    """The library's `run_batch(..., workers=2, engine="typst")` from a process that has already laid a letter
    out with Typst (a caller's own script): its pool must start by spawn, or the forked workers wait forever
    on Typst's thread pool (run in a subprocess, so a hang is a timeout, not a stuck suite)."""
    import sys

    code = (
        "import sys; from pathlib import Path\n"
        "from correspondence.batch import run_batch\n"
        "from correspondence.casefile import build_case\n"
        "from correspondence.pipeline import produce\n"
        "from correspondence.render import typst\n"
        "from tests.casedata import EXAMPLES, example\n"
        "produce(build_case(example('it')), 'pdf', engine='typst')\n"
        "assert typst.ran()\n"
        "results = run_batch([EXAMPLES / 'case-it.yaml', EXAMPLES / 'case-es.yaml'], Path(sys.argv[1]),\n"
        "                    workers=2, engine='typst')\n"
        "print([r.error for r in results])\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[None, None]"
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert [p.name for p in pdfs] == ["case-es.pdf", "case-it.pdf"] and all(b"Typst" in p.read_bytes() for p in pdfs)


def test_brand_font_is_embedded_under_its_own_name():
    from tests.brandkit import brand_font

    from correspondence.render.fonts import check_font

    case = build_case(example("it", kind="first_demand", brand__font="sans",
                              brand__fonts={"family": "Verdana Brand", "regular": "brand.woff2"}))
    face = check_font(brand_font("Verdana Brand"), family="Verdana Brand", style="regular", field="brand.fonts")
    rendered = render_typst(compose_document(case, kit=BrandKit(case.brand, fonts=(face,))))
    fonts = pdf_fonts(rendered.data)
    assert "VerdanaBrand" in fonts.replace("-", "") and "Studio Legale Verdi" in pdf_flat(rendered.data)
