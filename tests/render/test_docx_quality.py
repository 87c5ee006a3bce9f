"""DOCX quality (issue 15 item 6): widths from the content (dates never wrap), the PDF's rules instead of a
grid, the totals rule, fonts embedded with a named fallback, real document properties, and LibreOffice
reading the embedded brand face."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest

from correspondence.brands import resolve_brand
from correspondence.casefile import build_case
from correspondence.pipeline import compose
from correspondence.render import compose_document, render_docx
from correspondence.render.docx_tables import text_mm
from tests.brandkit import GREEN, PLAIN_SVG, green_files, write_brand
from tests.casedata import example
from tests.textutil import pdf_fonts

SOFFICE = shutil.which("soffice")


def _xml(data: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode()


@pytest.fixture(scope="module")
def plain_docx() -> bytes:
    return render_docx(compose_document(build_case(example("it"))))


def test_core_properties_are_the_letters(plain_docx):
    core = _xml(plain_docx, "docProps/core.xml")
    case = build_case(example("it"))
    assert "python-docx" not in core and "2013" not in core
    assert f"<dcterms:created xsi:type=\"dcterms:W3CDTF\">{case.date.isoformat()}T12:00:00Z" in core
    assert "<dc:title>Diffida e messa in mora</dc:title>" in core and "<dc:language>it</dc:language>" in core
    sender = (case.representative or case.creditor).name
    assert f"<dc:creator>{sender}</dc:creator>" in core
    assert "Microsoft" not in _xml(plain_docx, "docProps/app.xml")
    assert "docProps/thumbnail.jpeg" not in zipfile.ZipFile(io.BytesIO(plain_docx)).namelist()  # stale template picture


def test_invoice_table_has_content_widths_and_rules_not_a_grid(plain_docx):
    body = _xml(plain_docx, "word/document.xml")
    invoices = next(t for t in re.findall(r"<w:tbl>.*?</w:tbl>", body, re.S) if "2026/101" in t)
    widths = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', invoices)]
    assert len(set(widths)) > 2  # not equal columns
    issue_mm = widths[1] / 1440 * 25.4
    assert issue_mm >= text_mm("01/03/2026") + 3.8  # the date and Word's two 1.9 mm cell margins: no wrap
    assert 'w:type="fixed"' in invoices and "Table Grid" not in invoices
    assert 'w:val="nil"' in invoices and 'w:color="BBBBBB"' in invoices  # no grid, thin row rules
    assert 'w:fill="1F3A5F"' in invoices  # the header row shaded in the brand colour
    totals = next(t for t in re.findall(r"<w:tbl>.*?</w:tbl>", body, re.S) if "Totale dovuto" in t)
    assert re.search(r'<w:top w:val="single" w:sz="6" w:space="0" w:color="1F3A5F"/>', totals)  # the totals rule


def test_fonts_are_embedded_with_a_named_fallback(plain_docx):
    fonts = _xml(plain_docx, "word/fontTable.xml")
    assert re.search(r'<w:font w:name="Liberation Serif"><w:altName w:val="Times New Roman"/>', fonts)
    assert fonts.count("<w:embedRegular") == 2 and "w:fontKey=" in fonts
    names = zipfile.ZipFile(io.BytesIO(plain_docx)).namelist()
    assert sum(n.endswith(".odttf") for n in names) >= 7
    assert "<w:embedTrueTypeFonts/>" in _xml(plain_docx, "word/settings.xml")
    assert len(plain_docx) < 600_000  # subset to the letter's characters


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_uses_the_embedded_brand_font_and_keeps_dates_whole(tmp_path):
    write_brand(tmp_path / "lib", "verdi", GREEN, green_files(PLAIN_SVG))
    case = build_case(example("it"))
    letter = compose(case, kit=resolve_brand(case, brands_dir=tmp_path / "lib", name="verdi"))
    letter.pdf()
    data = letter.docx().data
    assert "docProps/thumbnail.png" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    source = tmp_path / "letter.docx"
    source.write_bytes(data)
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "letter.pdf").read_bytes()
    fonts = pdf_fonts(pdf)
    assert "VerdanaBrand" in fonts  # not installed anywhere: read from the DOCX
    layout = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    for invoice in case.claim.invoices:
        assert invoice.due_date.strftime("%d/%m/%Y") in layout  # on one line, not "31/03/202 / 6"
