"""GET /v1/documents/{id}/preview (issue 15 item 4): a PNG of a page of a stored PDF, for each kind and
language; a page out of range or a DOCX is a clear 422; another tenant's document is 404."""
from __future__ import annotations

import io

import pytest
from PIL import Image


@pytest.mark.parametrize("language", ["it", "es"])
@pytest.mark.parametrize("kind", ["first_demand", "second_demand", "legal_notice"])
def test_preview_png_for_each_kind_and_language(api, kind, language):
    case = api.case(language)
    r = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "pdf", "kind": kind})
    assert r.status_code == 201, r.text
    png = api.get(f"/v1/documents/{r.json()['id']}/preview", params={"page": 1, "dpi": 30})
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).format == "PNG"


def test_preview_errors(api, other):
    case = api.case("it")
    doc = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "pdf"}).json()
    r = api.get(f"/v1/documents/{doc['id']}/preview", params={"page": 99})
    assert r.status_code == 422 and "page 99 does not exist" in r.text
    assert other.get(f"/v1/documents/{doc['id']}/preview").status_code == 404
    docx = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "docx"}).json()
    assert api.get(f"/v1/documents/{docx['id']}/preview").status_code == 422
