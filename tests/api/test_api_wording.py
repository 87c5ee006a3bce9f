"""/v1/wording (issue 15 item 3): a tenant's override is checked on upload (file and line), changes only
what it replaces in that tenant's documents, is recorded with them, and never reaches another tenant."""
from __future__ import annotations

from tests.textutil import pdf_flat

BLOCK = "{% macro saluto() %}Gentilissimi amici di {{ debtor.name }},{% endmacro %}"


def _letter(api) -> str:
    case = api.case("it")
    r = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "pdf"})
    assert r.status_code == 201, r.text
    return pdf_flat(api.get(f"/v1/documents/{r.json()['id']}/content").content), r.json()


def test_upload_check_use_and_isolation(api, other):
    r = api.put("/v1/wording/it/blocks.j2", json={"source": BLOCK})
    assert r.status_code == 201 and r.json()["version"] == 1
    assert [(w["language"], w["name"]) for w in api.get("/v1/wording").json()] == [("it", "blocks.j2")]
    assert api.get("/v1/wording/it/blocks.j2").json()["source"] == BLOCK
    text, doc = _letter(api)
    assert "Gentilissimi amici di" in text and "diffida" in text.lower()
    assert doc["made_from"]["wording_override"]
    assert other.get("/v1/wording").json() == [] and other.get("/v1/wording/it/blocks.j2").status_code == 404
    other_text, other_doc = _letter(other)
    assert "Gentilissimi amici di" not in other_text and other_doc["made_from"]["wording_override"] is None
    assert api.delete("/v1/wording/it/blocks.j2").status_code == 204
    assert "Gentilissimi amici di" not in _letter(api)[0]


def test_bad_overrides_answer_422_with_file_and_line(api):
    r = api.put("/v1/wording/it/legal_notice.j2", json={"source": "<p>ok</p>\n<p>{% if %}</p>"})
    assert r.status_code == 422 and "it/legal_notice.j2:2" in r.text
    r = api.put("/v1/wording/it/legal_notice.j2", json={"source": "<p>{{ importo_totale }}</p>"})
    assert r.status_code == 422 and "unknown variable 'importo_totale'" in r.text
    assert api.put("/v1/wording/xx/blocks.j2", json={"source": BLOCK}).status_code == 422
    assert api.put("/v1/wording/it/../../etc.j2", json={"source": BLOCK}).status_code in (404, 422)
    assert api.get("/v1/wording").json() == []


def test_sandbox_escape_in_an_upload_fails_cleanly_at_render(api):
    r = api.put("/v1/wording/it/blocks.j2",
                json={"source": "{% macro saluto() %}{{ debtor.__class__.__mro__ }}{% endmacro %}"})
    assert r.status_code == 201
    case = api.case("it")
    r = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "pdf"})
    assert r.status_code == 422 and "blocks.j2:1" in r.text
