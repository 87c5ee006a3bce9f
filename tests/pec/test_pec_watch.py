"""Collection as a process: `pec poll` killed and restarted attaches every receipt exactly once, `pec watch`
picks receipts up as they arrive (IMAP IDLE) and stops cleanly on SIGTERM, a connection dropped mid-fetch
loses nothing, and what matches no dispatch stays in the mailbox and is listed."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from correspondence.store.models import Receipt, Tenant
from tests.api.conftest import ACCETTAZIONE, Api, pec_bytes
from tests.pec.conftest import SECRET, Gestore
from tests.pec.servers import DroppingProxy

ROOT = Path(__file__).resolve().parents[2]
UNRELATED = (b"From: cliente@example.it\r\nTo: studio@pec.example.it\r\nSubject: Appuntamento\r\n"
             b"Message-ID: <w1@example.it>\r\n\r\nBuongiorno.\r\n")


def env_for(api: Api, gestore: Gestore, certificate: Path) -> dict[str, str]:
    settings = api.store.settings
    return {**os.environ, "CORRESPONDENCE_DATABASE_URL": settings.database_url,
            "CORRESPONDENCE_BLOB_DIR": str(settings.blob_dir), "CORRESPONDENCE_HOME": str(gestore.home),
            "CORRESPONDENCE_PEC_CA_FILE": str(certificate), "CORRESPONDENCE_SECRET_KEY": SECRET,
            "PYTHONUNBUFFERED": "1"}


def tenant_name(api: Api) -> str:
    with api.store.session() as session:
        return session.get(Tenant, api.tenant_id).name  # type: ignore[union-attr]


def receipt_rows(api: Api) -> list[tuple]:
    with api.store.session() as session:
        return list(session.execute(select(Receipt.dispatch_id, Receipt.sha256).where(Receipt.tenant_id == api.tenant_id)))


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "correspondence", "pec", *args]


def send(api: Api, n: int) -> list[dict]:
    out = []
    for i in range(n):
        d = api.dispatch("pec", recipient=f"debitore{i}@pec.debitore.example", deadline_days=15)
        assert api.post(f"/v1/dispatches/{d['id']}/send").status_code == 202
        out.append(d)
    return out


def test_a_killed_poll_restarted_attaches_each_receipt_once(api: Api, gestore: Gestore, certificate) -> None:
    gestore.configure(api)
    dispatches = send(api, 8)
    gestore.imap.append(UNRELATED)
    env = env_for(api, gestore, certificate[0])
    proc = subprocess.Popen(cli("poll", "--tenant", tenant_name(api)), env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while len(receipt_rows(api)) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        proc.kill()  # SIGKILL mid-pass: no cleanup of any kind
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    partial = len(receipt_rows(api))
    assert 3 <= partial < 16, f"the pass was not interrupted ({partial} receipts)"
    done = subprocess.run(cli("poll", "--tenant", tenant_name(api)), env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = receipt_rows(api)
    assert len(rows) == len(set(rows)) == 16  # an accettazione and a consegna per dispatch, never twice
    for d in dispatches:
        assert api.get(f"/v1/dispatches/{d['id']}").json()["state"] == "delivered"
    assert len(gestore.imap.messages("Processed")) == 16
    assert [data for _, data in gestore.imap.messages("INBOX")] == [UNRELATED]  # unrelated mail untouched


def test_watch_collects_as_mail_arrives_and_stops_on_sigterm(api: Api, gestore: Gestore, certificate) -> None:
    gestore.configure(api)
    env = env_for(api, gestore, certificate[0])
    proc = subprocess.Popen(cli("watch", "--tenant", tenant_name(api), "--idle", "20"), env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()

    def wait_for(predicate, seconds: float = 60) -> bool:  # noqa: ANN001
        deadline = time.monotonic() + seconds
        while not predicate() and time.monotonic() < deadline:
            time.sleep(0.1)
        return predicate()

    try:
        assert wait_for(lambda: any("0 matched" in line for line in lines)), lines  # first pass, then IDLE
        assert lines[0].startswith("watching imaps://127.0.0.1")
        [d] = send(api, 1)  # the simulator delivers: Dovecot tells the idling client
        assert wait_for(lambda: api.get(f"/v1/dispatches/{d['id']}").json()["state"] == "delivered"), lines
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        elapsed = time.monotonic() - started
        reader.join(timeout=5)
        assert proc.returncode == 0 and "stopped after" in lines[-1], lines
        assert elapsed < 15  # IDLE (20 s) is interrupted, not waited out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert len(receipt_rows(api)) == 2 and len(gestore.imap.messages("Processed")) == 2


def test_connection_dropped_mid_fetch_loses_nothing(api: Api, gestore: Gestore) -> None:
    big = b"%PDF-1.4\n" + os.urandom(90_000).hex().encode()[:100_000] + b"\n%%EOF\n"
    case = api.case()
    doc = api.post("/v1/documents", files={"file": ("diffida.pdf", big, "application/pdf")},
                   data={"case_id": case["id"]}).json()
    d = api.post("/v1/dispatches", json={"case_id": case["id"], "document_id": doc["id"], "channel": "pec",
                                         "recipient": "debitore@pec.debitore.example"}).json()
    gestore.configure(api)
    assert api.post(f"/v1/dispatches/{d['id']}/send").status_code == 202
    with DroppingProxy(gestore.imap.server.port, drop_after=60_000) as proxy:
        gestore.configure(api, imap_url=f"imaps://127.0.0.1:{proxy.port}/INBOX")
        r = api.post("/v1/mailboxes/pec/collect")
        assert proxy.dropped.is_set()
        assert r.status_code == 502 and r.json()["field"] == "imap_url", r.text
        assert len(receipt_rows(api)) == 1  # the accettazione, read before the drop
        again = api.post("/v1/mailboxes/pec/collect").json()  # a new connection passes
    assert again["matched"] == 1, again
    assert len(set(receipt_rows(api))) == 2 and api.get(f"/v1/dispatches/{d['id']}").json()["state"] == "delivered"
    assert gestore.imap.messages("INBOX") == [] and len(gestore.imap.messages("Processed")) == 2


def test_unmatched_receipts_stay_and_are_listed(api: Api, other: Api, gestore: Gestore) -> None:
    gestore.configure(api)
    gestore.imap.append(pec_bytes(ACCETTAZIONE))  # no dispatch of this tenant has its Message-ID
    gestore.imap.append(UNRELATED)
    report = api.post("/v1/mailboxes/pec/collect").json()
    assert report["unmatched"] == 1
    [item] = api.get("/v1/receipts/unmatched").json()
    assert item["kind"] == "accettazione" and item["folder"] == "INBOX" and "no dispatch" in item["reason"]
    assert item["reference"] == "<R43XS7$8A2B712B1EC45527B69E94AB60B8CA07@pec.it>"
    assert other.get("/v1/receipts/unmatched").json() == []
    assert len(gestore.imap.messages("INBOX")) == 2
    first_seen = item["first_seen_at"]
    api.post("/v1/mailboxes/pec/collect")
    [again] = api.get("/v1/receipts/unmatched").json()
    assert again["first_seen_at"] == first_seen and again["last_seen_at"] >= first_seen


def test_watch_reconnects_with_backoff_after_a_drop(api: Api, gestore: Gestore) -> None:
    from correspondence.casework.mailboxes import pec_mailbox
    from correspondence.casework.watching import Backoff, Watcher, watch

    gestore.configure(api)
    [d] = send(api, 1)
    with DroppingProxy(gestore.imap.server.port, drop_after=1500) as proxy:
        gestore.configure(api, imap_url=f"imaps://127.0.0.1:{proxy.port}/INBOX")
        with api.store.session() as session:
            mailbox = pec_mailbox(session, api.tenant_id)
        watcher, errors, reports = Watcher(), [], []
        thread = threading.Thread(target=watch, args=(api.store, api.tenant_id, mailbox, watcher), kwargs={
            "idle_seconds": 1, "backoff": Backoff(first=0.2, maximum=1),
            "on_error": lambda exc, delay: errors.append((exc, delay)), "on_report": reports.append}, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 30
            while api.get(f"/v1/dispatches/{d['id']}").json()["state"] != "delivered" and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            watcher.request_stop()  # from another thread: ends after the current IDLE (1 s)
            thread.join(timeout=15)
    assert not thread.is_alive() and proxy.dropped.is_set()
    assert errors and errors[0][0].field == "imap_url" and errors[0][1] == 0.2
    assert api.get(f"/v1/dispatches/{d['id']}").json()["state"] == "delivered"
    assert len(set(receipt_rows(api))) == 2 and sum(r.count("matched") for r in reports) == 2
