"""API test fixtures: one migrated store per backend (SQLite file, real PostgreSQL database) shared by the
session, and a fresh tenant + API key per test, so tests are isolated by the tenancy rules themselves."""
from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from correspondence.api.app import create_app
from correspondence.store import Store, StoreSettings
from correspondence.store.apikeys import create_api_key
from tests.casedata import example
from tests.store.backends import BACKENDS, make_url

FIXTURES = Path(__file__).with_name("fixtures")
PEC = FIXTURES / "pec"
UPLOAD_LIMIT = 200_000  # bytes; small so that 413 is cheap to provoke


@pytest.fixture(scope="session", params=BACKENDS)
def api_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    tmp = tmp_path_factory.mktemp(f"api-{request.param}")
    url, cleanup = make_url(request.param, tmp)
    store = Store.open(StoreSettings(database_url=url, blob_dir=tmp / "blobs", max_upload_bytes=UPLOAD_LIMIT),
                       migrate=True)
    try:
        yield store
    finally:
        store.close()
        cleanup()  # type: ignore[operator]


@pytest.fixture(scope="session")
def app(api_store: Store):
    return create_app(store=api_store)


def json_ready(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


class Api:
    """A test client authenticated as one new tenant, with shortcuts for the usual set-up steps."""

    def __init__(self, app, store: Store) -> None:
        self.store = store
        with store.session() as session:
            issued = create_api_key(session, f"firm-{uuid.uuid4().hex[:10]}")
        self.key = issued.key
        self.tenant_id = issued.tenant.id
        self.http = TestClient(app, headers={"Authorization": f"Bearer {self.key}"})

    def __getattr__(self, name: str):  # get/post/put/... straight to the client
        return getattr(self.http, name)

    def case(self, language: str = "it", **changes: Any) -> dict[str, Any]:
        r = self.http.post("/v1/cases", json=json_ready(example(language, **changes)))
        assert r.status_code == 201, r.text
        return r.json()

    def document(self, case_id: str | None = None) -> dict[str, Any]:
        pdf = b"%PDF-1.4\n% test " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
        data = {"case_id": case_id} if case_id else {}
        r = self.http.post("/v1/documents", files={"file": ("letter.pdf", pdf, "application/pdf")}, data=data)
        assert r.status_code == 201, r.text
        return r.json()

    def dispatch(self, channel: str, *, language: str = "it", recipient: str = "bianchi@pec.example.it",
                 **fields: Any) -> dict[str, Any]:
        case = self.case(language)
        doc = self.document(case["id"])
        body = {"case_id": case["id"], "document_id": doc["id"], "channel": channel, "recipient": recipient,
                **fields}
        r = self.http.post("/v1/dispatches", json=body)
        assert r.status_code == 201, r.text
        return r.json()

    def event(self, dispatch_id: str, type: str, at: str, **details: str) -> httpx.Response:
        return self.http.post(f"/v1/dispatches/{dispatch_id}/events",
                              json={"type": type, "occurred_at": at, "source": "carrier", "details": details})

    def receipt(self, dispatch_id: str | None, data: bytes, *, filename: str = "receipt.eml",
                media_type: str = "message/rfc822", **form: str) -> httpx.Response:
        url = f"/v1/dispatches/{dispatch_id}/receipts" if dispatch_id else "/v1/receipts"
        return self.http.post(url, files={"file": (filename, data, media_type)}, data=form)


@pytest.fixture
def api(app, api_store: Store) -> Api:
    return Api(app, api_store)


@pytest.fixture
def other(app, api_store: Store) -> Api:
    """A second tenant."""
    return Api(app, api_store)


def pec_bytes(name: str) -> bytes:
    return (PEC / name).read_bytes()


ACCETTAZIONE = "seedoo__accettazione__accettazione__aruba-2021.eml"
CONSEGNA = "seedoo__conferma__avvenuta-consegna__aruba-2021.eml"
MANCATA = "seedoo__mancata_consegna__errore-consegna-no-dest__aruba-2021.eml"
SEEDOO_MSGID = "<R43XS7$8A2B712B1EC45527B69E94AB60B8CA07@pec.it>"
SEEDOO_RECIPIENT = "test01@pec.flosslab.it"
MANCATA_MSGID = "<R43YMM$D7F793DD43B6B427D6C13182BD067782@pec.it>"
MANCATA_RECIPIENT = "provaprova@pec.flosslab.it"


def parse_dt(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
