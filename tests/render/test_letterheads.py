"""Word and PDF letterheads (issue 15 item 2): DOCX letters are built on the brand's Word letterhead (its
first-page and following headers and footers, page set-up and styles, our content in the body); PDF letters
lie on the brand's PDF letterhead (page 1 under page 1, page 2 under the rest) and stay PDF/A and signable;
the letterhead files are part of the brand version (item 5); every hostile file is refused naming the field."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
import yaml

from correspondence.brands import load_brand_folder, resolve_brand
from correspondence.casefile import build_case
from correspondence.cli.app import main
from correspondence.errors import InputError
from correspondence.pipeline import compose
from correspondence.render.pdf import render_pdf
from tests.casedata import EXAMPLES, example
from tests.letterheads import (LH_FIRST_FOOTER, LH_FIRST_HEADER, LH_FONT, LH_FOOTER, LH_HEADER, PDF_FIRST, PDF_NEXT,
                               hostile_pdf_letterheads, hostile_word_letterheads, pdf_letterhead, word_letterhead)
from tests.sign.sign_helpers import pdfa_problems, pdfsig
from tests.textutil import normalise

MM = 72 / 25.4


def _brand_folder(root: Path, name: str = "carta", **files: bytes) -> Path:
    folder = root / name
    shutil.copytree(EXAMPLES / "brands" / "verdi-legal", folder)
    fields = yaml.safe_load((folder / "brand.yaml").read_text(encoding="utf-8"))
    for field, (filename, data) in {"letterhead_docx": ("carta.docx", files.get("docx")),
                                    "letterhead_pdf": ("carta.pdf", files.get("pdf"))}.items():
        if data is not None:
            (folder / filename).write_bytes(data)
            fields[field] = filename
    (folder / "brand.yaml").write_text(yaml.safe_dump(fields, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def letter(tmp_path_factory):
    root = tmp_path_factory.mktemp("letterheads")
    _brand_folder(root, docx=word_letterhead(), pdf=pdf_letterhead())
    case = build_case(example("it"))
    composed = compose(case, kit=resolve_brand(case, brands_dir=root, name="carta"))
    return root, composed, composed.pdf().data, composed.docx().data


def _pages(pdf: bytes) -> list[str]:
    import pypdf

    return [normalise(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_docx_keeps_the_word_letterhead_header_footer_page_setup_and_styles(letter):
    from docx import Document as open_docx

    word = open_docx(io.BytesIO(letter[3]))
    section = word.sections[-1]
    assert len(word.sections) == 1 and section.different_first_page_header_footer
    assert LH_FIRST_HEADER in section.first_page_header.paragraphs[0].text
    assert section.header.paragraphs[0].text == LH_HEADER
    assert section.first_page_footer.paragraphs[0].text == LH_FIRST_FOOTER
    assert section.footer.paragraphs[0].text == LH_FOOTER
    assert section.first_page_header.part.rels and any(  # the letterhead's logo picture is still there
        r.reltype.endswith("/image") for r in section.first_page_header.part.rels.values())
    assert round(section.top_margin.mm) == 40 and round(section.left_margin.mm) == 24  # its margins, not the brand's
    assert word.styles["Normal"].font.name == LH_FONT  # its Normal ...
    body = word.styles["Body"]
    assert body.base_style.name == "Normal" and body.font.name is None  # ... which our styles inherit
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    assert ("Salutation", "Spettabile Bianchi S.p.A.,") in paragraphs
    assert not any(style in ("Letterhead", "LetterheadLine") for style, _ in paragraphs)  # its header, not ours
    assert not any("Testo di esempio" in text for _, text in paragraphs)  # its sample body is gone
    assert word.core_properties.author == "Studio Legale Verdi S.t.A. S.r.l."
    assert len(word.tables) >= 3  # address block, invoices, payments, totals...


def test_pdf_lies_on_the_pdf_letterhead_first_then_following_pages(letter):
    pages = _pages(letter[2])
    assert len(pages) >= 2
    assert PDF_FIRST in pages[0] and PDF_NEXT not in pages[0]
    assert all(PDF_NEXT in page and PDF_FIRST not in page for page in pages[1:])
    assert "Corso Venezia 10, 20121 Milano" not in pages[0].split("Studio Legale Verdi ·")[0]  # no drawn letterhead
    assert "Capitale sociale" not in " ".join(pages)  # nor our footer: the stationery carries it
    assert "Bianchi S.p.A." in pages[0]  # the window address stays
    assert pdfa_problems(letter[2]) == []  # legal notices are PDF/A-3b; still so with the letterhead under them


def test_the_window_address_stays_where_the_envelope_shows_it(letter):
    rendered = render_pdf(letter[1].document)
    x1, y1, x2, y2 = rendered.boxes["recipient"].box
    top_mm = (841.89 - y2) / MM
    assert 44 <= top_mm <= 50, top_mm  # DL window from 45 mm, as without a letterhead


def test_signed_letter_on_a_pdf_letterhead_validates(letter, tmp_path, monkeypatch):
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    root = letter[0]
    out = tmp_path / "signed.pdf"
    assert main(["render", str(EXAMPLES / "case-it.yaml"), "--brand", "carta", "--brands-dir", str(root),
                 "--sign", "-o", str(out)]) == 0
    data = out.read_bytes()
    from correspondence.sign import verify_pdf

    report = verify_pdf(data, [tmp_path / "home" / "demo-cert" / "demo-ca.pem"], allow_fetching=False)
    assert report.valid, report.all_problems()
    assert "Signature is Valid" in pdfsig(out) and pdfa_problems(data) == []
    assert PDF_FIRST in _pages(data)[0]


def test_the_letterhead_files_are_part_of_the_brand_version(tmp_path):
    a = load_brand_folder(_brand_folder(tmp_path / "a", pdf=pdf_letterhead(2)))
    b = load_brand_folder(_brand_folder(tmp_path / "b", pdf=pdf_letterhead(1)))
    assert a.letterhead_pdf and b.letterhead_pdf and a.digest != b.digest


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_every_hostile_letterhead_is_refused_naming_the_field_with_exit_2(kind, tmp_path, capsys):
    hostile = hostile_word_letterheads() if kind == "docx" else hostile_pdf_letterheads()
    for name, (data, reason) in hostile.items():
        root = tmp_path / name
        _brand_folder(root, **{kind: data})
        out = tmp_path / f"{name}.{kind}"
        code = main(["render", str(EXAMPLES / "case-it.yaml"), "--brand", "carta", "--brands-dir", str(root),
                     "-o", str(out)])
        err = capsys.readouterr().err
        assert code == 2 and f"letterhead_{kind}" in err and reason in err, (name, err)
        assert "Traceback" not in err and not out.exists()
        with pytest.raises(InputError, match=f"letterhead_{kind}"):
            load_brand_folder(root / "carta")


def test_readme_example_brand_with_letterheads(tmp_path):
    """README: `--brand verdi-carta` renders the example case on the example's Word and PDF letterheads."""
    from docx import Document as open_docx

    pdf, docx = tmp_path / "carta.pdf", tmp_path / "carta.docx"
    for out in (pdf, docx):
        assert main(["render", str(EXAMPLES / "case-it.yaml"), "--brand", "verdi-carta", "--brands-dir",
                     str(EXAMPLES / "brands"), "-o", str(out)]) == 0
    assert "Studio Legale Verdi · pagina successiva" in open_docx(str(docx)).sections[0].header.paragraphs[0].text
    pages = _pages(pdf.read_bytes())
    assert "PEC studio.verdi@pec.example.it" in pages[0] and "Capitale sociale € 50.000,00 i.v." in pages[-1]


def test_the_typst_engine_refuses_a_pdf_letterhead_instead_of_drawing_its_own(letter):
    case = build_case(example("it"))
    with pytest.raises(InputError, match="--engine: a brand with a PDF letterhead"):
        compose(case, kit=resolve_brand(case, brands_dir=letter[0], name="carta"), engine="typst")
