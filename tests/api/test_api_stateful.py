"""Stateful schemathesis run over every operation, with real ids (issue 11): a tenant holding a real case,
documents, dispatches, events and a PEC receipt is created first; links inferred by schemathesis chain the
calls, and any id that did not come from an earlier answer is replaced by a real one, so every operation
reaches its handler instead of stopping at 404. No answer may be a 5xx or break its documented schema.
Bounded: a fixed number of scenarios and steps (about a minute in all)."""
from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import Any, Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.engine import Status, events

from correspondence.api.app import create_app
from correspondence.store import Store, StoreSettings
from correspondence.store.apikeys import create_api_key
from tests.api.conftest import ACCETTAZIONE, SEEDOO_MSGID, SEEDOO_RECIPIENT, pec_bytes
from tests.casedata import example
from tests.store.backends import PG_AVAILABLE, make_url

BACKEND = "postgresql" if PG_AVAILABLE else "sqlite"  # the attacks that answered 500 were on PostgreSQL


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    tmp = tmp_path_factory.mktemp("stateful")
    url, cleanup = make_url(BACKEND, tmp)
    store = Store.open(StoreSettings(database_url=url, blob_dir=tmp / "blobs", max_upload_bytes=200_000),
                       migrate=True)
    app = create_app(store=store)
    try:
        yield app
    finally:
        app.state.jobs.close()
        store.close()
        cleanup()  # type: ignore[operator]


def _seed(app: FastAPI) -> tuple[str, dict[str, list[str]]]:
    """A tenant with one of everything, through the API itself; returns its key and the real ids."""
    with app.state.store.session() as session:
        key = create_api_key(session, f"stateful-{uuid.uuid4().hex[:8]}").key
    http = TestClient(app, headers={"Authorization": f"Bearer {key}"})

    def ok(r: Any) -> dict[str, Any]:
        assert r.status_code in (200, 201), r.text
        return r.json()

    ids: dict[str, list[str]] = {name: [] for name in ("case_id", "document_id", "dispatch_id", "receipt_id")}
    case = ok(http.post("/v1/cases", json=json.loads(json.dumps(example("it"), default=str))))
    ids["case_id"].append(case["id"])
    doc = ok(http.post("/v1/documents", files={"file": ("l.pdf", b"%PDF-1.4\n%seed\n%%EOF\n", "application/pdf")},
                       data={"case_id": case["id"]}))
    ids["document_id"].append(doc["id"])
    pec = ok(http.post("/v1/dispatches", json={"case_id": case["id"], "document_id": doc["id"], "channel": "pec",
                                              "recipient": SEEDOO_RECIPIENT, "message_id": SEEDOO_MSGID}))
    postal = ok(http.post("/v1/dispatches", json={"case_id": case["id"], "document_id": doc["id"],
                                                 "channel": "raccomandata_ar", "recipient": "Via Roma 1, 00100 Roma"}))
    ids["dispatch_id"] += [pec["id"], postal["id"]]
    receipt = http.post(f"/v1/dispatches/{pec['id']}/receipts",
                        files={"file": ("r.eml", pec_bytes(ACCETTAZIONE), "message/rfc822")})
    if receipt.status_code in (200, 201):
        ids["receipt_id"].append(receipt.json()["id"])
    # an event, but no fixed event_id: an event belongs to one dispatch only, and schemathesis takes a fixed
    # parameter as a link, so a POST of an event on another dispatch followed by GET .../events/{this one}
    # read as "created resource not found"; the stateful phase follows the Location of POST .../events
    ok(http.post(f"/v1/dispatches/{postal['id']}/events",
                 json={"type": "accepted", "occurred_at": "2026-04-01T10:00:00+02:00"}))
    ok(http.post(f"/v1/cases/{case['id']}/documents", json={"format": "docx"}))  # starts the render workers
    return key, ids


def _run(app: FastAPI, key: str, ids: dict[str, list[str]]) -> tuple[list[str], Counter[str], int]:
    """Run schemathesis' own engine (fuzzing + stateful phases) and return (failures, operations, calls)."""
    config = schemathesis.Config.from_dict({
        "headers": {"Authorization": f"Bearer {key}"},
        "parameters": {f"path.{name}": values[0] for name, values in ids.items() if values},
        "generation": {"max-examples": 6, "deterministic": True},
        "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False},
                   "fuzzing": {"enabled": True}, "stateful": {"enabled": True, "max-steps": 6}},
        "checks": {"positive_data_acceptance": {"enabled": False}, "negative_data_rejection": {"enabled": False}},
        "max-time": 25, "request-timeout": 60,  # the engine stops cleanly when the time is up
    })
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    failures: list[str] = []
    operations: Counter[str] = Counter()
    calls = 0
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, (events.NonFatalError, events.FatalError)):
            failures.append(f"error: {getattr(event, 'label', '')}: {getattr(event, 'value', event)!r}")
        recorder = getattr(event, "recorder", None)
        if recorder is None:
            continue
        for interaction in recorder.interactions.values():
            calls += 1
            operations[f"{interaction.request.method} {interaction.request.uri.split('?')[0]}"] += 1
        for case_id, checks in recorder.checks.items():
            for check in checks:
                if check.status == Status.FAILURE and check.failure_info is not None:
                    failure = check.failure_info.failure
                    failures.append(f"{recorder.label}: {check.name}: {getattr(failure, 'title', failure)} "
                                    f"({_chain(recorder, case_id)})")
    return failures, operations, calls


def _chain(recorder: Any, case_id: str) -> str:
    """The calls that led to a failing check, parent first ("POST /v1/x -> 201, GET /v1/x/{id} -> 404"), so a
    failure in the stateful phase names the link it followed."""
    steps = []
    while case_id is not None and len(steps) < 8:
        node = recorder.cases.get(case_id)
        interaction = recorder.interactions.get(case_id)
        if node is None:
            break
        status = interaction.response.status_code if interaction is not None and interaction.response else "-"
        steps.append(f"{node.value.method} {node.value.formatted_path} -> {status}")
        case_id = node.parent_id
    return ", ".join(reversed(steps))


def test_every_operation_with_real_ids_and_links_has_no_server_errors(app: FastAPI) -> None:
    key, ids = _seed(app)
    failures, operations, calls = _run(app, key, ids)
    assert not failures, "\n".join(sorted(set(failures))[:30])
    # how far the run gets in its time budget depends on the machine's load (about 700 calls on an idle
    # machine, a few dozen on a saturated one); what must hold is that it ran and reached the seeded objects
    assert calls >= 20, calls
    reached = {label for label in operations if any(i in label for values in ids.values() for i in values)}
    assert len(reached) >= 3, reached
