"""GET /v1/cases/{id}/report: the dossier made from the stored evidence, on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import io
import re

import pypdf

from tests.api.conftest import Api
from tests.textutil import docx_text, pdf_text

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(200))  # a return-card scan as stored


def _delivered_notice(api: Api) -> tuple[dict, dict, bytes]:
    case = api.case(kind="legal_notice", date="2026-06-01", actions=[
        {"date": "2026-05-20", "type": "letter", "channel": "email", "delivered_on": "2026-05-20"}])
    doc = api.post(f"/v1/cases/{case['id']}/documents", json={"date": "2026-06-01"}).json()
    letter = api.get(f"/v1/documents/{doc['id']}/content").content
    dispatch = api.post("/v1/dispatches", json={"case_id": case["id"], "document_id": doc["id"],
                                                "channel": "raccomandata_ar",
                                                "recipient": "Via Garibaldi 22, 10122 Torino"}).json()
    api.event(dispatch["id"], "accepted", "2026-06-01T16:00:00+02:00")
    api.event(dispatch["id"], "delivered", "2026-06-04T10:30:00+02:00")
    r = api.receipt(dispatch["id"], PNG, filename="cartolina.png", media_type="image/png", kind="return_card")
    assert r.status_code == 201, r.text
    return case, doc, letter


def test_report_embeds_the_stored_evidence_byte_for_byte(api: Api) -> None:
    case, doc, letter = _delivered_notice(api)
    r = api.get(f"/v1/cases/{case['id']}/report", params={"format": "pdf", "date": "2026-12-20",
                                                          "year_end": "2026-12-31"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and r.headers["x-annexes"] == "2"
    attached = {name: data[0] for name, data in pypdf.PdfReader(io.BytesIO(r.content)).attachments.items()}
    assert sorted(attached.values(), key=len) == sorted([letter, PNG], key=len)
    flat = re.sub(r"\s+", "", pdf_text(r.content))
    for data in (letter, PNG):
        assert hashlib.sha256(data).hexdigest() in flat
    text = pdf_text(r.content)
    # the dispatched notice is a formal claim from the date it took legal effect; the e-mail is not
    assert "ricevuta il 4 giugno 2026" in text
    assert "tra cui e-mail ordinarie" in text


def test_report_docx_lists_annexes_and_bad_input_is_4xx(api: Api, other: Api) -> None:
    case, _, letter = _delivered_notice(api)
    r = api.get(f"/v1/cases/{case['id']}/report", params={"format": "docx", "date": "2026-12-20"})
    assert r.status_code == 200
    assert hashlib.sha256(letter).hexdigest() in docx_text(r.content)
    bad = api.get(f"/v1/cases/{case['id']}/report", params={"format": "odt"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert api.get(f"/v1/cases/{case['id']}/report", params={"year_end": "31/12/2026"}).status_code == 422
    assert other.get(f"/v1/cases/{case['id']}/report").status_code == 404


def test_searches_recorded_through_the_api_reach_the_report(api: Api) -> None:
    """A search posted as an action keeps its register and result, and the dossier states them."""
    case, _, _ = _delivered_notice(api)
    r = api.post(f"/v1/cases/{case['id']}/actions", json={
        "occurred_on": "2026-10-05", "type": "asset_search", "search": "ipocatastale", "result": "negative",
        "description": "nessun immobile intestato"})
    assert r.status_code == 201, r.text
    assert (r.json()["search"], r.json()["result"]) == ("ipocatastale", "negative")
    bad = api.post(f"/v1/cases/{case['id']}/actions", json={"occurred_on": "2026-10-05", "type": "asset_search",
                                                           "search": "oracle"})
    assert bad.status_code == 422 and bad.json()["field"] == "search"
    r = api.get(f"/v1/cases/{case['id']}/report", params={"format": "pdf", "date": "2026-12-20"})
    assert r.status_code == 200, r.text
    text = re.sub(r"\s+", " ", pdf_text(r.content))
    assert "Visura ipocatastale" in text and "5 ottobre 2026: esito negativo" in text
