"""Casework benchmark: rendering a stored case through the API, signed and unsigned, and the case fold.

    .venv/bin/python bench/casework.py [--runs 30] [--events 200]

1. `POST /v1/cases/{id}/documents` on a one-page letter, SQLite, one in-process worker (FastAPI's test
   client): unsigned and `sign: true` requests interleaved, so both see the same machine load. The target
   is signed p50 at most 10 % above unsigned (the letter is rendered once and those bytes are signed).
2. `casework.standing.fold` on a case holding `--events` recorded events (payments, actions and dispatch
   events), the work every document, API figure and next-step answer starts with. Target: under 5 ms.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-casework-"))
    os.environ["CORRESPONDENCE_HOME"] = str(home)
    from fastapi.testclient import TestClient

    from correspondence.api.app import create_app
    from correspondence.casework import standing as _standing
    from correspondence.dispatch import DispatchEvent, EventType
    from correspondence.model import ActionType
    from correspondence.store import Store, StoreSettings
    from correspondence.store import cases as case_store
    from correspondence.store.apikeys import create_api_key
    from correspondence.casework.dispatches import open_dispatch, record_event
    from correspondence.store.documents import record_document
    from tests.casedata import example

    store = Store.open(StoreSettings.from_env(), migrate=True)
    with store.session() as session:
        issued = create_api_key(session, "bench")
    client = TestClient(create_app(store=store), headers={"Authorization": f"Bearer {issued.key}"})
    one_invoice = [{"number": "F-2026/0101", "issue_date": "2026-03-02", "due_date": "2026-04-01",
                    "amount": "2420.00", "description": "Suministro de cableado"}]
    data = example("es", kind="first_demand", tone="courteous", claim__payments=[], claim__invoices=one_invoice,
                   actions=[])
    data.pop("representative")
    import json

    case = client.post("/v1/cases", json=json.loads(json.dumps(data, default=str))).json()
    url = f"/v1/cases/{case['id']}/documents"
    timings: dict[bool, list[float]] = {False: [], True: []}
    for signed in (False, True):  # warm both paths (fonts, key) before measuring
        client.post(url, json={"sign": signed, "date": "2026-11-23"})
    for i in range(args.runs):
        for signed in (False, True):
            day = (dt.date(2026, 11, 23) + dt.timedelta(days=i % 5)).isoformat()
            start = time.perf_counter()
            r = client.post(url, json={"sign": signed, "date": day, "deadline_days": 10 + i})
            timings[signed].append((time.perf_counter() - start) * 1000)
            assert r.status_code in (200, 201), r.text
    unsigned, signed_ = statistics.median(timings[False]), statistics.median(timings[True])
    print(f"POST documents, one-page letter, SQLite, {args.runs} runs each, interleaved:")
    print(f"  unsigned p50 {unsigned:.1f} ms (p90 {p(timings[False], 0.9):.1f})")
    print(f"  signed   p50 {signed_:.1f} ms (p90 {p(timings[True], 0.9):.1f}): +{(signed_ / unsigned - 1) * 100:.1f} %")

    # a case with many recorded events
    with store.session() as session:
        record = case_store.get_case(session, issued.tenant.id, __import__("uuid").UUID(case["id"]))
        assert record is not None
        third = args.events // 3
        for i in range(third):
            case_store.add_payment(session, record, paid_on=dt.date(2026, 4, 2) + dt.timedelta(days=i % 200),
                                   amount=__import__("decimal").Decimal("1.00"))
            case_store.add_action(session, record, occurred_on=dt.date(2026, 4, 2) + dt.timedelta(days=i % 200),
                                  type=ActionType.phone_call, outcome="no answer")
        session.commit()
        blob = store.blobs.put_bytes(b"%PDF-1.4\n% bench\n%%EOF\n")
        doc, _ = record_document(session, issued.tenant.id, blob, origin="uploaded", media_type="application/pdf",
                                 filename="x.pdf", case_id=record.id)
        dispatch, _ = open_dispatch(session, issued.tenant.id, case_id=record.id, document_id=doc.id,
                                    channel="burofax", recipient="Calle Mayor 1, Madrid")

        def add_event(_session, d, event):  # noqa: ANN001 - the casework use case, one transaction each
            return record_event(_session, issued.tenant.id, d.id, event)
        start_at = dt.datetime(2026, 4, 3, 9, tzinfo=dt.timezone.utc)
        add_event(session, dispatch, DispatchEvent(EventType.submitted, start_at, "carrier"))
        add_event(session, dispatch, DispatchEvent(EventType.accepted, start_at, "carrier"))
        for i in range(args.events - 2 * third - 3):
            add_event(session, dispatch, DispatchEvent(EventType.in_transit, start_at + dt.timedelta(hours=i + 1),
                                                       "carrier", details={"n": str(i)}))
        add_event(session, dispatch, DispatchEvent(EventType.delivered, start_at + dt.timedelta(days=20), "carrier"))
        _standing.fold(session, record)  # warm
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            standing = _standing.fold(session, record, at=dt.date(2026, 11, 30))
            times.append((time.perf_counter() - start) * 1000)
        assert standing.payments_recorded == third and standing.letters
    print(f"fold of a case with {args.events} recorded events: p50 {statistics.median(times):.2f} ms "
          f"(p90 {p(times, 0.9):.2f})")
    store.close()


if __name__ == "__main__":
    main()
