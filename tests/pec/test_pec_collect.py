"""Collecting PEC receipts from a real IMAP server (Dovecot over TLS): every receipt joins the right
dispatch (per recipient for consegne), processed ones move to `Processed`, unrelated or unmatched mail stays
untouched, and a rerun or an interrupted pass never duplicates a receipt."""
from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from correspondence.casework.collection import collect, collect_all, receive_pec
from correspondence.casework.mailboxes import pec_mailbox
from correspondence.cli.app import main
from correspondence.store import Store, StoreSettings
from correspondence.store.apikeys import create_api_key
from correspondence.store.mailboxes import MailboxSettings, put_mailbox
from correspondence.store.models import Receipt
from tests.api.conftest import (
    ACCETTAZIONE, CONSEGNA, MANCATA, MANCATA_MSGID, MANCATA_RECIPIENT, SEEDOO_MSGID, SEEDOO_RECIPIENT, Api,
    pec_bytes,
)
from tests.pec.conftest import ImapUser

ALL_PEC = Path(__file__).parents[1] / "fixtures" / "pec"
BIAGIOT_ACC = "biagiot__accettazione__accettazione__anonymized-2024.eml"  # signature removed -> flagged
BIAGIOT_MSGID = "<SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@fakepec.it>"
GOPEC_CONSEGNA = "gopec__email_2__avvenuta-consegna__anonymized-2021.eml"  # no dispatch has its Message-ID
ENVELOPE = ALL_PEC / "gopec__email_3__posta-certificata__anonymized-2021.eml"  # inbound PEC, not a receipt
SENT = "2021-01-01T09:00:00+01:00"  # the fixtures' messages were sent elsewhere before their receipts
UNRELATED = (b"From: cliente@example.it\r\nTo: studio@pec.example.it\r\nSubject: Richiesta informazioni\r\n"
             b"Message-ID: <q1@example.it>\r\n\r\nBuongiorno, vorrei un appuntamento.\r\n")


def mailbox(api: Api, imap: ImapUser) -> None:
    r = api.put("/v1/mailboxes/pec", json={
        "address": imap.user, "smtp_url": "smtps://127.0.0.1:1", "imap_url": imap.server.url(),
        "username": imap.user, "password": imap.password})
    assert r.status_code == 201, r.text


def receipts_of(api: Api, dispatch_id: str) -> list[dict]:
    return api.get(f"/v1/dispatches/{dispatch_id}/receipts").json()


def test_collect_attaches_each_receipt_to_its_dispatch(api: Api, other: Api, imap_user: ImapUser) -> None:
    mailbox(api, imap_user)
    delivered = api.dispatch("pec", recipient=SEEDOO_RECIPIENT, message_id=SEEDOO_MSGID, deadline_days=15,
                             submitted_at=SENT)
    co_recipient = api.post("/v1/dispatches", json={
        "case_id": delivered["case_id"], "document_id": delivered["document_id"], "channel": "pec",
        "recipient": "flosslabtest@legalmail.it", "message_id": SEEDOO_MSGID, "submitted_at": SENT}).json()
    bounced = api.dispatch("pec", recipient=MANCATA_RECIPIENT, message_id=MANCATA_MSGID, submitted_at=SENT)
    doubtful = api.dispatch("pec", recipient="rec@fakepec.it", message_id=BIAGIOT_MSGID, submitted_at=SENT)
    decoy = other.dispatch("pec", recipient=SEEDOO_RECIPIENT, message_id=SEEDOO_MSGID,
                           submitted_at=SENT)  # another tenant

    imap_user.append(UNRELATED)
    imap_user.append(ENVELOPE.read_bytes())
    for name in (CONSEGNA, ACCETTAZIONE, MANCATA, BIAGIOT_ACC, GOPEC_CONSEGNA):
        imap_user.append(pec_bytes(name))

    r = api.post("/v1/mailboxes/pec/collect")
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["matched"], report["flagged"], report["unmatched"]) == (3, 1, 1), report
    [unmatched] = [m for m in report["messages"] if m["outcome"] == "unmatched"]
    assert "no dispatch has the Message-ID" in unmatched["reason"] and unmatched["kind"] == "avvenuta-consegna"

    out = api.get(f"/v1/dispatches/{delivered['id']}").json()
    assert out["state"] == "delivered" and out["legal_effective_at"].startswith("2021-12-14T")
    assert out["deadline_at"] == "2021-12-29" and [e["type"] for e in out["events"]] == ["accepted", "delivered"]
    # the accettazione covers both addressees; the consegna names only test01@pec.flosslab.it
    assert api.get(f"/v1/dispatches/{co_recipient['id']}").json()["state"] == "accepted"
    assert len(receipts_of(api, co_recipient["id"])) == 1
    assert api.get(f"/v1/dispatches/{bounced['id']}").json()["state"] == "undeliverable"
    flagged = api.get(f"/v1/dispatches/{doubtful['id']}").json()
    assert flagged["state"] == "draft" and flagged["claimed_state"] == "accepted"  # unsigned: never moves it
    assert other.get(f"/v1/dispatches/{decoy['id']}").json()["state"] == "draft"

    stored = {r["sha256"]: r for d in (delivered, bounced) for r in receipts_of(api, d["id"])}
    processed = imap_user.messages("Processed")
    assert len(processed) == 4
    # byte-exact: what was stored is what the server holds (signatures still verify on those bytes)
    assert {hashlib.sha256(pec_bytes(n)).hexdigest() for n in (CONSEGNA, ACCETTAZIONE, MANCATA)} <= set(stored)
    inbox = imap_user.messages("INBOX")
    assert sorted(data for _, data in inbox) == sorted(
        [UNRELATED, ENVELOPE.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"),
         pec_bytes(GOPEC_CONSEGNA).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")])
    assert all(b"\\Seen" not in flags for flags, _ in inbox)  # unrelated mail is not even marked read

    again = api.post("/v1/mailboxes/pec/collect").json()
    assert (again["matched"], again["flagged"], again["unmatched"]) == (0, 0, 1)
    assert len(receipts_of(api, delivered["id"])) == 2 and len(imap_user.messages("Processed")) == 4


def test_an_interrupted_pass_is_resumed_without_duplicates(api: Api, imap_user: ImapUser) -> None:
    """A pass killed after storing a receipt but before moving it: the next pass finds the receipt
    already stored (same bytes, same dispatch) and only moves it."""
    mailbox(api, imap_user)
    d = api.dispatch("pec", recipient=SEEDOO_RECIPIENT, message_id=SEEDOO_MSGID, submitted_at=SENT)
    imap_user.append(pec_bytes(ACCETTAZIONE))
    fetched = imap_user.messages("INBOX")[0][1]
    [(first, created)] = receive_pec(api.store, api.tenant_id, fetched, filename="pec-1.eml")
    assert created
    report = api.post("/v1/mailboxes/pec/collect").json()
    assert report["matched"] == 1 and report["messages"][0]["receipt_ids"] == [str(first.id)]
    with api.store.session() as session:
        count = session.scalar(select(func.count()).select_from(Receipt).where(Receipt.dispatch_id == first.dispatch_id))
    assert count == 1 and len(imap_user.messages("Processed")) == 1 and imap_user.messages("INBOX") == []
    assert api.get(f"/v1/dispatches/{d['id']}").json()["events"][0]["type"] == "accepted"


def test_collect_faults(api: Api, imap_user: ImapUser) -> None:
    r = api.post("/v1/mailboxes/pec/collect")
    assert r.status_code == 422 and r.json()["field"] == "mailbox"
    r = api.put("/v1/mailboxes/pec", json={"address": imap_user.user, "smtp_url": "smtps://127.0.0.1:1",
                                           "imap_url": imap_user.server.url(), "username": imap_user.user,
                                           "password": "wrong"})
    assert r.status_code == 201
    r = api.post("/v1/mailboxes/pec/collect")
    assert r.status_code == 502 and r.json()["field"] == "imap_url" and "refused the credentials" in r.json()["detail"]


def test_cli_collect_and_the_periodic_job(imap_user: ImapUser, dovecot, tmp_path, monkeypatch, capsys) -> None:
    store = Store.open(StoreSettings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", blob_dir=tmp_path / "b"))
    with store.session() as session:
        create_api_key(session, "studio")
    monkeypatch.setenv("CORRESPONDENCE_DATABASE_URL", store.settings.database_url)
    monkeypatch.setenv("CORRESPONDENCE_BLOB_DIR", str(store.settings.blob_dir))
    imap_user.append(pec_bytes(ACCETTAZIONE))  # no dispatch in this store: unmatched, left in place
    monkeypatch.setenv("CORRESPONDENCE_PEC_ADDRESS", imap_user.user)
    monkeypatch.setenv("CORRESPONDENCE_PEC_SMTP_URL", "smtps://127.0.0.1:1")
    monkeypatch.setenv("CORRESPONDENCE_PEC_IMAP_URL", dovecot.url(imap_user.user, imap_user.password))
    assert main(["pec", "collect"]) == 2 and "--tenant: is required" in capsys.readouterr().err
    assert main(["pec", "collect", "--tenant", "studio"]) == 0
    out = capsys.readouterr().out
    assert "studio: 0 matched, 0 flagged, 1 unmatched" in out and "no dispatch has the Message-ID" in out
    monkeypatch.setenv("CORRESPONDENCE_PEC_IMAP_URL", dovecot.url(imap_user.user, "bad"))
    assert main(["pec", "collect", "--tenant", "studio"]) == 2
    assert "error: imap_url:" in capsys.readouterr().err

    # the periodic job walks every stored mailbox; one failing mailbox does not stop the others
    good, bad = create_api_key_ids(store, "a", "b")
    with store.session() as session:
        for tenant, password in ((good, imap_user.password), (bad, "wrong")):
            put_mailbox(session, tenant, MailboxSettings(imap_user.user, "smtps://127.0.0.1:1", dovecot.url(),
                                                         imap_user.user, password))
    results = collect_all(store)
    assert results[good].summary == {"matched": 0, "flagged": 0, "unmatched": 1}  # type: ignore[union-attr]
    assert "refused the credentials" in results[bad]  # type: ignore[operator]
    assert len(imap_user.messages("INBOX")) == 1  # the unmatched receipt is never lost
    with store.session() as session:
        report = collect(store, good, pec_mailbox(session, good))
    assert report.count("unmatched") == 1
    store.close()


def create_api_key_ids(store: Store, *names: str) -> list:
    ids = []
    with store.session() as session:
        for name in names:
            ids.append(create_api_key(session, name).tenant.id)
    return ids
