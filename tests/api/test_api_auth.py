"""Authentication on every route but /health, and tenant isolation (others' ids are 404, never 403)."""
from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from correspondence.store.models import ApiKey
from correspondence.store.types import utcnow
from tests.api.conftest import ACCETTAZIONE, SEEDOO_MSGID, Api, pec_bytes


def _routes(app):
    """Every operation the OpenAPI document lists, with random ids in its path."""
    import re

    for path, operations in app.openapi()["paths"].items():
        for method in operations:
            yield method.upper(), re.sub(r"\{[a-z_]+\}", lambda _: str(uuid.uuid4()), path)


def test_every_route_but_health_requires_a_key(app) -> None:
    client = TestClient(app)
    seen = 0
    for method, path in _routes(app):
        r = client.request(method, path)
        if path == "/health":
            assert r.status_code == 200 and r.json() == {"status": "ok", "database": "ok"}
            continue
        seen += 1
        assert r.status_code == 401, (method, path, r.status_code)
        body = r.json()
        assert body["status"] == 401 and body["title"] == "Authentication required"
        assert r.headers["www-authenticate"].startswith("Bearer")
    assert seen >= 20


@pytest.mark.parametrize("header", [
    "Bearer ck_000000000000_" + "A" * 43,  # well-formed, unknown
    "Bearer not-a-key",
    "Basic dXNlcjpwYXNz",
    "Bearer ",
])
def test_bad_keys_are_401(app, header: str) -> None:
    r = TestClient(app).get("/v1/cases", headers={"Authorization": header})
    assert r.status_code == 401 and r.json()["type"].endswith("unauthenticated")


def test_wrong_secret_and_revoked_key_are_401(api: Api) -> None:
    key_id = api.key.split("_")[1]
    tampered = api.key[:-1] + ("A" if api.key[-1] != "A" else "B")
    assert api.get("/v1/cases", headers={"Authorization": f"Bearer {tampered}"}).status_code == 401
    assert api.get("/v1/cases").status_code == 200
    with api.store.session() as session:
        row = session.get(ApiKey, key_id)
        assert api.key.split("_", 2)[2] not in row.secret_sha256  # only the hash is kept
        row.revoked_at = utcnow()
        session.commit()
    assert api.get("/v1/cases").status_code == 401


def test_keys_are_hashed_at_rest(api: Api) -> None:
    secret = api.key.split("_", 2)[2]
    with api.store.session() as session:
        stored = [tuple(r) for r in session.execute(select(ApiKey.id, ApiKey.secret_sha256, ApiKey.label))]
    assert stored and all(secret not in str(row) for row in stored)


def test_other_tenants_ids_are_404(api: Api, other: Api) -> None:
    d = api.dispatch("pec", message_id=SEEDOO_MSGID, recipient="x@pec.example.it",
                     submitted_at="2021-12-14T14:30:00+01:00")
    rec = api.receipt(d["id"], pec_bytes(ACCETTAZIONE)).json()
    event_id = api.get(f"/v1/dispatches/{d['id']}").json()["events"][0]["id"]
    paths = [f"/v1/cases/{d['case_id']}", f"/v1/cases/{d['case_id']}/timeline", f"/v1/cases/{d['case_id']}/documents",
             f"/v1/documents/{d['document_id']}", f"/v1/documents/{d['document_id']}/content",
             f"/v1/dispatches/{d['id']}", f"/v1/dispatches/{d['id']}/events",
             f"/v1/dispatches/{d['id']}/events/{event_id}", f"/v1/dispatches/{d['id']}/receipts",
             f"/v1/receipts/{rec['id']}", f"/v1/receipts/{rec['id']}/content"]
    for path in paths:
        assert api.get(path).status_code == 200, path
        r = other.get(path)
        assert r.status_code == 404, path
        assert r.json()["status"] == 404 and r.json()["detail"].startswith("no such")
    writes = [
        other.event(d["id"], "accepted", "2026-03-02T10:00:00+01:00"),
        other.receipt(d["id"], pec_bytes(ACCETTAZIONE)),
        other.post(f"/v1/cases/{d['case_id']}/payments", json={"paid_on": "2026-03-01", "amount": "10.00"}),
        other.post(f"/v1/cases/{d['case_id']}/actions", json={"occurred_on": "2026-03-01", "type": "phone_call"}),
        other.post("/v1/dispatches", json={"case_id": d["case_id"], "document_id": d["document_id"],
                                          "channel": "pec", "recipient": "a@b.it"}),
    ]
    assert [w.status_code for w in writes] == [404] * 5
    # the other tenant's uploads of the same receipt do not find this tenant's dispatch either
    assert other.receipt(None, pec_bytes(ACCETTAZIONE)).status_code == 422
    # lists are scoped
    assert other.get("/v1/cases").json() == [] and other.get("/v1/dispatches").json() == []
    assert len(api.get(f"/v1/dispatches/{d['id']}").json()["events"]) == 1


def test_tenant_cannot_attach_another_tenants_document(api: Api, other: Api) -> None:
    case = other.case()
    doc = api.document()
    r = other.post("/v1/dispatches", json={"case_id": case["id"], "document_id": doc["id"], "channel": "burofax",
                                          "recipient": "Calle Mayor 1, Madrid"})
    assert r.status_code == 404 and "document" in r.json()["detail"]
