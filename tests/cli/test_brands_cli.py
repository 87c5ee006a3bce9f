"""CLI faces of issue 15: --brand/--brands-dir, a wording folder with an it/ subfolder, `wording show`,
`preview` PNGs and the self-contained HTML."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from correspondence.cli.app import main
from tests.casedata import EXAMPLES
from tests.textutil import pdf_flat

CASE = str(EXAMPLES / "case-it.yaml")


def test_render_with_a_library_brand(tmp_path):
    out = tmp_path / "l.pdf"
    assert main(["render", CASE, "--brand", "verdi-legal", "--brands-dir", str(EXAMPLES / "brands"), "-o", str(out)]) == 0
    text = pdf_flat(out.read_bytes())
    assert "Studio Legale Verdi S.t.A. S.r.l." in text and "Capitale sociale € 50.000,00 i.v." in text
    # the README's example agrees with itself: one firm writes (letterhead, return line, company, signatory)
    assert "Rossi Recupero" not in text and "Studio Legale Rossi" not in text and "Avv. Maria Verdi" in text


def test_unknown_brand_is_exit_2_naming_it(tmp_path, capsys):
    assert main(["render", CASE, "--brand", "nobody", "-o", str(tmp_path / "l.pdf")]) == 2
    assert "no brand 'nobody'" in capsys.readouterr().err
    assert not (tmp_path / "l.pdf").exists()


def test_wording_folder_with_an_it_subfolder_is_used(tmp_path):
    (tmp_path / "w" / "it").mkdir(parents=True)
    (tmp_path / "w" / "it" / "blocks.j2").write_text("{% macro saluto() %}Gentilissimi {{ debtor.name }},{% endmacro %}")
    out = tmp_path / "l.pdf"
    assert main(["render", CASE, "--wording-dir", str(tmp_path / "w"), "-o", str(out)]) == 0
    assert "Gentilissimi Bianchi S.p.A.," in pdf_flat(out.read_bytes())


def test_broken_override_is_reported_with_its_own_file_and_line(tmp_path, capsys):
    (tmp_path / "w" / "it").mkdir(parents=True)
    bad = tmp_path / "w" / "it" / "legal_notice.j2"
    bad.write_text("<p>uno</p>\n<p>{{ debtor.name }</p>\n")
    assert main(["render", CASE, "--wording-dir", str(tmp_path / "w"), "-o", str(tmp_path / "l.pdf")]) == 2
    err = capsys.readouterr().err.replace("\n", "")
    assert f"{bad}:2" in err and "templates/it/wording" not in err


def test_wording_show_lists_the_blocks(capsys):
    assert main(["wording", "show", "first_demand", "--language", "it"]) == 0
    out = capsys.readouterr().out
    assert "{% macro saluto() %}" in out and "blocks.j2" in out


@pytest.mark.parametrize("page", [1, 2])
def test_preview_writes_a_png_of_the_page(tmp_path, page):
    out = tmp_path / f"p{page}.png"
    assert main(["preview", CASE, "--page", str(page), "--dpi", "50", "-o", str(out)]) == 0
    image = Image.open(io.BytesIO(out.read_bytes()))
    assert image.format == "PNG" and abs(image.size[0] / image.size[1] - 210 / 297) < 0.01


def test_preview_of_a_page_that_does_not_exist_is_exit_2(tmp_path, capsys):
    assert main(["preview", CASE, "--page", "40", "-o", str(tmp_path / "p.png")]) == 2
    assert "page 40 does not exist" in capsys.readouterr().err


def test_html_is_self_contained_and_renders_the_same_letter(tmp_path):
    out = tmp_path / "letter.html"
    assert main(["render", CASE, "--format", "html", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"url\((?!data:)", html) and "src=\"file" not in html
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()  # plain WeasyPrint, no fetcher, no base URL
    assert "Bianchi S.p.A." in pdf_flat(pdf) and "Totale dovuto" in pdf_flat(pdf)
