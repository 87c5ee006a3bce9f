"""A legal notice sent through the PEC provider simulator and collected from a real Dovecot mailbox: no
file is copied by hand. The simulator signs real-format receipts (daticert.xml, S/MIME) with its own PKI."""
from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest

from correspondence.dispatch.daticert import parse_daticert
from correspondence.figures import deadline_from_effect
from correspondence.model import Jurisdiction
from tests.api.conftest import Api
from tests.pec.conftest import Gestore

DEBTOR = "debitore@pec.debitore.example"
ROME = ZoneInfo("Europe/Rome")


def daticert_time(raw: bytes) -> dt.datetime:
    message = message_from_bytes(raw, policy=policy.default)
    part = next(p for p in message.walk() if p.get_filename() == "daticert.xml")
    return parse_daticert(part.get_payload(decode=True)).timestamp  # type: ignore[return-value]


def send_and_collect(api: Api, gestore: Gestore, recipient: str = DEBTOR) -> dict:
    gestore.configure(api)
    d = api.dispatch("pec", recipient=recipient, deadline_days=15)
    r = api.post(f"/v1/dispatches/{d['id']}/send")
    assert r.status_code == 202 and r.json()["state"] == "submitted", r.text
    report = api.post("/v1/mailboxes/pec/collect").json()
    return {"dispatch": d, "report": report}


def test_notice_sent_through_the_simulator_is_delivered(api: Api, gestore: Gestore) -> None:
    run = send_and_collect(api, gestore)
    report = run["report"]
    assert (report["matched"], report["flagged"], report["unmatched"]) == (2, 0, 0), [m["reason"] for m in report["messages"]]
    [submitted] = gestore.server.submitted
    assert [k for k, _ in submitted.receipts] == ["accettazione", "avvenuta-consegna"]
    consegna_at = daticert_time(submitted.receipts[1][1])
    out = api.get(f"/v1/dispatches/{run['dispatch']['id']}").json()
    assert out["state"] == "delivered", out
    assert dt.datetime.fromisoformat(out["legal_effective_at"]) == consegna_at
    expected = deadline_from_effect(consegna_at.astimezone(ROME), 15, Jurisdiction.IT)
    assert out["deadline_at"] == expected.isoformat()
    # daticert times have whole seconds: the accettazione may sort just before the recorded submission
    assert sorted(e["type"] for e in out["events"]) == ["accepted", "delivered", "submitted"]
    receipts = api.get(f"/v1/dispatches/{run['dispatch']['id']}/receipts").json()
    assert len(receipts) == 2 and all(not r["flagged"] for r in receipts)
    consegna = next(r for r in receipts if r["details"]["pec_kind"] == "avvenuta-consegna")
    assert consegna["details"]["matches_document"] is True  # the ricevuta completa carries the notice
    assert consegna["details"]["signature"]["trusted"] is True
    assert "PEC SIMULATOR" in consegna["details"]["signature"]["provider"]
    assert len(gestore.imap.messages("Processed")) == 2 and gestore.imap.messages("INBOX") == []


def test_mancata_consegna_gives_undeliverable(api: Api, gestore: Gestore) -> None:
    gestore.server.undeliverable.add("nessuno@pec.debitore.example")
    run = send_and_collect(api, gestore, "nessuno@pec.debitore.example")
    assert run["report"]["matched"] == 2, run["report"]
    out = api.get(f"/v1/dispatches/{run['dispatch']['id']}").json()
    assert out["state"] == "undeliverable" and out["legal_effective_at"] is None, out
    receipts = api.get(f"/v1/dispatches/{run['dispatch']['id']}/receipts").json()
    errore = next(r for r in receipts if r["details"]["pec_kind"] == "errore-consegna")
    assert errore["details"]["error"] == "no-dest" and errore["details"]["error_detail"].startswith("5.1.1")


def test_an_unaccredited_providers_receipt_is_flagged(api: Api, gestore: Gestore) -> None:
    gestore.distrust()
    run = send_and_collect(api, gestore)
    report = run["report"]
    assert (report["matched"], report["flagged"]) == (0, 2), report
    assert all("is not in the list of accredited PEC providers" in m["reason"] for m in report["messages"])
    out = api.get(f"/v1/dispatches/{run['dispatch']['id']}").json()
    assert out["state"] == "submitted" and out["claimed_state"] == "delivered", out
    receipts = api.get(f"/v1/dispatches/{run['dispatch']['id']}/receipts").json()
    assert all(r["flagged"] and r["details"]["signature"]["trusted"] is False for r in receipts)


def test_serve_collects_in_the_background(api: Api, gestore: Gestore) -> None:
    """The app's lifespan runs collection rounds when CORRESPONDENCE_BACKGROUND_EVERY is set: the notice
    becomes delivered with nobody calling collect."""
    import time

    from fastapi.testclient import TestClient

    from correspondence.api.app import create_app
    from correspondence.store import Store, StoreSettings

    gestore.configure(api)
    d = api.dispatch("pec", recipient=DEBTOR, deadline_days=15)
    assert api.post(f"/v1/dispatches/{d['id']}/send").status_code == 202
    settings = api.store.settings
    store = Store.open(StoreSettings(database_url=settings.database_url, blob_dir=settings.blob_dir))
    with TestClient(create_app(store=store, background=1)):
        deadline = time.monotonic() + 30
        while api.get(f"/v1/dispatches/{d['id']}").json()["state"] != "delivered" and time.monotonic() < deadline:
            time.sleep(0.2)
    assert api.get(f"/v1/dispatches/{d['id']}").json()["state"] == "delivered"
    assert len(gestore.imap.messages("Processed")) == 2


def test_collected_receipts_raise_signed_webhook_events(app, api: Api, gestore: Gestore,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from correspondence.casework.webhook_delivery import deliver_due
    from tests.api.test_api_webhooks import Receiver, allow_private

    allow_private(app, monkeypatch, True)  # the receiver is on loopback
    receiver = Receiver()
    receiver.thread.start()
    try:
        hook = api.post("/v1/webhooks", json={"url": receiver.url, "events": [
            "receipt.attached", "dispatch.delivered", "dispatch.failed"]}).json()
        gestore.server.undeliverable.add("nessuno@pec.debitore.example")
        send_and_collect(api, gestore)
        bounced = api.dispatch("pec", recipient="nessuno@pec.debitore.example")
        assert api.post(f"/v1/dispatches/{bounced['id']}/send").status_code == 202
        api.post("/v1/mailboxes/pec/collect")
        assert deliver_due(api.store)["delivered"] == 6
        events = receiver.verified(hook["secret"])
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
    kinds = sorted(e["type"] for e in events)
    assert kinds == ["dispatch.delivered", "dispatch.failed"] + ["receipt.attached"] * 4
    failed = next(e for e in events if e["type"] == "dispatch.failed")
    assert failed["data"]["dispatch_id"] == bounced["id"] and failed["data"]["state"] == "undeliverable"
    delivered = next(e for e in events if e["type"] == "dispatch.delivered")
    assert delivered["data"]["legal_effective_at"] and delivered["data"]["deadline_at"]
