"""Word and PDF letterheads over /v1/brands (issue 15 items 2 and 5): uploaded with the brand, checked before
anything is stored (every attack a 4xx naming the field), used for the case's DOCX and PDF, recorded with
the brand version, and a stored document signed later keeps its brand's stamp colours (issue 15 brand points)."""
from __future__ import annotations

import io

import pytest
import yaml

from tests.brandkit import PLAIN_SVG
from tests.letterheads import (LH_FIRST_HEADER, LH_FOOTER, LH_HEADER, PDF_FIRST, PDF_NEXT, hostile_pdf_letterheads,
                               hostile_word_letterheads, pdf_letterhead, word_letterhead)
from tests.textutil import normalise

FIELDS = {"name": "Studio Legale Rossi", "primary_color": "#7A1F2B", "accent_color": "#C9A227", "font": "sans",
          "logo": "logo.svg", "letterhead_docx": "carta.docx", "letterhead_pdf": "carta.pdf"}


@pytest.fixture(scope="module")
def papers() -> dict[str, bytes]:
    return {"logo.svg": PLAIN_SVG, "carta.docx": word_letterhead(), "carta.pdf": pdf_letterhead()}


def _post(api, url: str, fields: dict, files: dict[str, bytes], name: str | None = None):
    data = {"brand": yaml.safe_dump(fields, allow_unicode=True), **({"name": name} if name else {})}
    return api.post(url, data=data, files=[("files", (n, c, "application/octet-stream")) for n, c in files.items()])


def _page_texts(pdf: bytes) -> list[str]:
    import pypdf

    return [normalise(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _stamp_pixels(pdf: bytes, rgb: tuple[int, int, int]) -> int:
    """Pixels of one colour (within a small distance) inside the signature widget, as pdfium draws it."""
    import pypdf
    import pypdfium2 as pdfium

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    index, rect = next((i, [float(v) for v in a.get_object()["/Rect"]]) for i, p in enumerate(reader.pages)
                       for a in p.get("/Annots") or [] if a.get_object().get("/FT") == "/Sig")
    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    page = document[index]
    image = page.render(scale=2, may_draw_forms=True).to_pil().convert("RGB")
    h = page.get_height()
    crop = image.crop((int(rect[0] * 2), int((h - rect[3]) * 2), int(rect[2] * 2), int((h - rect[1]) * 2)))
    return sum(1 for px in crop.get_flattened_data() if sum(abs(a - b) for a, b in zip(px, rgb)) < 30)


def test_letterheads_upload_render_record_and_sign_in_brand_colours(api, papers, tmp_path, monkeypatch):
    from docx import Document as open_docx

    from correspondence import pipeline
    from correspondence.sign import verify_pdf

    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path))  # the demo certificate is the embedded default
    pipeline.server_key.cache_clear()

    assert _post(api, "/v1/brands", FIELDS, papers, name="carta").status_code == 201
    case = api.case("it", brand={"ref": "carta"})
    docx = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "docx"})
    assert docx.status_code == 201, docx.text
    word = open_docx(io.BytesIO(api.get(f"/v1/documents/{docx.json()['id']}/content").content))
    section = word.sections[-1]
    assert LH_FIRST_HEADER in section.first_page_header.paragraphs[0].text
    assert section.header.paragraphs[0].text == LH_HEADER and section.footer.paragraphs[0].text == LH_FOOTER
    pdf = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "pdf"})
    assert pdf.status_code == 201, pdf.text
    made = pdf.json()["made_from"]["brand"]
    assert made["ref"] == "carta" and made["version"] == 1 and made["sha256"]
    content = api.get(f"/v1/documents/{pdf.json()['id']}/content").content
    pages = _page_texts(content)
    assert PDF_FIRST in pages[0] and PDF_NEXT in pages[1] and PDF_NEXT not in pages[0]
    assert "Studio Legale Rossi" not in pages[0].replace(PDF_FIRST, "")  # our drawn letterhead is not added
    signed = api.post(f"/v1/documents/{pdf.json()['id']}/sign", json={"level": "B-B"})
    assert signed.status_code == 201, signed.text
    data = api.get(f"/v1/documents/{signed.json()['id']}/content").content
    assert data.startswith(content)  # the stored bytes, signed
    report = verify_pdf(data, [tmp_path / "demo-cert" / "demo-ca.pem"], allow_fetching=False)
    assert report.valid, report.all_problems()
    pipeline.server_key.cache_clear()
    assert _stamp_pixels(data, (0xC9, 0xA2, 0x27)) > 200  # the brand's accent rule, not the default #8A6D3B
    assert _stamp_pixels(data, (0x8A, 0x6D, 0x3B)) < 20


def test_a_new_letterhead_version_never_alters_a_stored_document(api, papers):
    assert _post(api, "/v1/brands", FIELDS, papers, name="carta").status_code == 201
    case = api.case("it", brand={"ref": "carta"})
    first = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "pdf"}).json()
    before = api.get(f"/v1/documents/{first['id']}/content").content
    new_paper = pdf_letterhead(1)  # one page now: the same stationery on every page
    r = _post(api, "/v1/brands/carta/versions", FIELDS, {**papers, "carta.pdf": new_paper})
    assert r.status_code == 201 and r.json()["version"] == 2
    second = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "pdf", "date": "2026-11-24"}).json()
    assert second["made_from"]["brand"]["version"] == 2
    assert second["made_from"]["brand"]["sha256"] != first["made_from"]["brand"]["sha256"]
    assert api.get(f"/v1/documents/{first['id']}/content").content == before
    assert PDF_NEXT in _page_texts(before)[1]
    assert PDF_NEXT not in _page_texts(api.get(f"/v1/documents/{second['id']}/content").content)[1]


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_every_letterhead_attack_is_a_4xx_naming_the_field(api, papers, kind):
    hostile = hostile_word_letterheads() if kind == "docx" else hostile_pdf_letterheads()
    field = f"letterhead_{kind}"
    for name, (data, reason) in hostile.items():
        r = _post(api, "/v1/brands", FIELDS, {**papers, f"carta.{kind}": data}, name=f"bad-{kind}-{name}".replace("_", "-"))
        assert 400 <= r.status_code < 500, (name, r.status_code, r.text)
        if r.status_code == 413:  # the oversize file: the body limit stops it while it streams
            continue
        assert field in r.text and reason in r.text, (name, r.text)
    assert all(b["name"] != "carta" or b["version"] for b in api.get("/v1/brands").json())
    assert not [b for b in api.get("/v1/brands").json() if b["name"].startswith("bad-")]  # nothing stored
