"""Brands (issue 15 item 1): two brands give visibly different letters for the same case (text, colours,
fonts, page images); hostile SVG logos are neutralised; limits and legal mentions are enforced."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from correspondence.brands import load_brand_folder, resolve_brand
from correspondence.casefile import build_case
from correspondence.errors import InputError
from correspondence.pipeline import compose
from correspondence.render.brandkit import check_assets
from correspondence.render.svg import sanitize_svg
from correspondence.model.brand import Brand
from tests.brandkit import GREEN, HOSTILE_SVG, PLAIN_SVG, green_files, write_brand
from tests.casedata import example
from tests.textutil import docx_text, pdf_flat, pdf_fonts

EXAMPLE_BRANDS = Path(__file__).resolve().parents[2] / "examples" / "brands"


def _rgb(hex_color: str) -> bytes:
    """How WeasyPrint writes a fill colour in a content stream ("0.043 0.431 0.31 rg")."""
    import pypdfium2  # noqa: F401  (the page images below need it too)

    return hex_color.encode()


def _page_png(pdf: bytes):
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(pdf)[0].render(scale=50 / 72).to_pil().convert("RGB")


@pytest.fixture(scope="module")
def two_letters(tmp_path_factory):
    root = tmp_path_factory.mktemp("brands")
    write_brand(root, "verdi", GREEN, green_files())
    out = {}
    for name in ("verdi", "verdi-legal"):
        data = example("it", brand={"ref": name})
        del data["signatory"]  # the brand's signatory signs a case that names none
        case = build_case(data)
        kit = resolve_brand(case, brands_dir=root if name == "verdi" else EXAMPLE_BRANDS, name=name)
        letter = compose(case, kit=kit)
        out[name] = (kit, letter.pdf().data, letter.docx().data)
    return out


def test_two_brands_print_their_own_letterhead_footer_and_signatory(two_letters):
    _, green_pdf, green_docx = two_letters["verdi"]
    _, red_pdf, red_docx = two_letters["verdi-legal"]
    green, red = pdf_flat(green_pdf), pdf_flat(red_pdf)
    assert "Verdi & Associati" in green and "Studio Legale Verdi S.t.A. S.r.l." not in green
    assert "Studio Legale Verdi S.t.A. S.r.l." in red and "Verdi & Associati" not in red
    assert "Capitale sociale € 120.000,00 i.v." in green and "REA MI-7654321" in green  # art. 2250 c.c.
    assert "Capitale sociale € 50.000,00 i.v." in red
    assert "Dott. Paolo Verdi" in green and "Avv. Maria Verdi" in red
    assert "Verdi Crediti S.p.A." in docx_text(green_docx) and "Studio Legale Verdi S.t.A. S.r.l." in docx_text(red_docx)


def test_the_case_signatory_wins_and_the_brand_signature_image_stays_with_its_own_signatory(two_letters, tmp_path):
    """Precedence: the brand names the firm that writes; its signatory signs (with the handwritten image)
    only a case that names none; a case's own signatory signs without the brand signatory's image."""
    root = tmp_path / "brands"
    write_brand(root, "verdi", GREEN, green_files())
    case = build_case(example("it", brand={"ref": "verdi"}, signatory={"name": "Avv. Anna Neri", "role": "Avvocato"}))
    letter = compose(case, kit=resolve_brand(case, brands_dir=root))
    text = pdf_flat(letter.pdf().data)
    assert "Avv. Anna Neri" in text and "Dott. Paolo Verdi" not in text and "Verdi & Associati" in text

    def media(docx: bytes) -> int:
        return sum(n.startswith("word/media/") for n in zipfile.ZipFile(io.BytesIO(docx)).namelist())

    assert media(letter.docx().data) == media(two_letters["verdi"][2]) - 1  # no handwritten signature image
    with pytest.raises(InputError, match="signatory: required: the case names none and no brand"):
        compose(build_case({k: v for k, v in example("it").items() if k != "signatory"}))


def test_brand_font_is_embedded_in_the_pdf_and_the_packaged_one_otherwise(two_letters):
    assert "Verdana-Brand" in pdf_fonts(two_letters["verdi"][1])
    assert "Verdana-Brand" not in pdf_fonts(two_letters["verdi-legal"][1])


def test_brand_colours_reach_both_formats(two_letters):
    green_docx, red_docx = two_letters["verdi"][2], two_letters["verdi-legal"][2]
    assert b"0B6E4F" in zipfile.ZipFile(io.BytesIO(green_docx)).read("word/styles.xml")
    assert b"7A1F2B" in zipfile.ZipFile(io.BytesIO(red_docx)).read("word/styles.xml")
    green, red = _page_png(two_letters["verdi"][1]), _page_png(two_letters["verdi-legal"][1])
    colours_green = {c for _, c in green.getcolors(1 << 20)}
    colours_red = {c for _, c in red.getcolors(1 << 20)}
    assert (11, 110, 79) in colours_green and (11, 110, 79) not in colours_red  # the header rule / table head
    assert (122, 31, 43) in colours_red and (122, 31, 43) not in colours_green


def test_hostile_svg_is_rebuilt_without_scripts_or_references():
    clean, dropped = sanitize_svg(HOSTILE_SVG)
    for bad in (b"script", b"@import", b"file:", b"127.0.0.1", b"foreignObject", b"onload", b"<image"):
        assert bad not in clean
    assert b"<circle" in clean and {"script", "style", "image", "foreignObject", "@onload"} <= set(dropped)


def test_svg_with_entities_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    with pytest.raises(InputError, match="DTD or entities"):
        sanitize_svg(bomb)


def test_missing_share_capital_of_an_srl_is_refused_with_the_law():
    with pytest.raises(Exception, match="art. 2250"):
        Brand.model_validate({"company": {"legal_name": "Alfa S.r.l.", "registered_office": "Via X 1, Roma",
                                          "registry": "REA RM-1"}})


def test_font_that_is_not_a_font_is_refused_with_its_field(tmp_path):
    files = green_files(PLAIN_SVG)
    files["brand.woff2"] = b"wOF2" + b"\0" * 100
    write_brand(tmp_path, "bad", GREEN, files)
    with pytest.raises(InputError) as caught:
        load_brand_folder(tmp_path / "bad")
    assert caught.value.field.endswith("fonts.regular") and "not a valid font" in caught.value.reason


def test_brand_file_may_not_leave_its_folder(tmp_path):
    (tmp_path / "secret.png").write_bytes(b"x")
    write_brand(tmp_path, "escape", {"logo": "../secret.png"}, {})
    with pytest.raises(InputError, match="outside the brand"):
        load_brand_folder(tmp_path / "escape")


def test_too_many_fonts_and_oversized_assets_are_refused():
    with pytest.raises(InputError, match="larger than"):
        check_assets(Brand(logo="logo.png"), {"logo.png": b"\x89PNG\r\n\x1a\n" + b"\0" * (11 << 20)})


def test_case_names_its_brand_and_its_own_fields_win(tmp_path):
    write_brand(tmp_path, "verdi", GREEN, green_files(PLAIN_SVG))
    case = build_case(example("it", brand={"ref": "verdi", "primary_color": "#112233"}))
    kit = resolve_brand(case, brands_dir=tmp_path)
    assert kit.brand.primary_color == "#112233" and kit.brand.name == "Verdi & Associati" and kit.ref == "verdi"
    assert build_case(example("it", brand="verdi")).brand.ref == "verdi"
