"""Sending PEC dispatches through a real SMTP server (aiosmtpd over TLS): the message the gestore receives
carries the dispatch's Message-ID, the stored document byte for byte, and wording in the case's language."""
from __future__ import annotations

import hashlib
import uuid

import pytest
from sqlalchemy import select

from correspondence.cli.app import main
from correspondence.store.models import Mailbox
from tests.api.conftest import Api
from tests.pec.servers import PASSWORD, USER, SmtpServer, free_port

SENDER = "studio@pec.example.it"


def configure(api: Api, smtp_url: str, *, password: str = PASSWORD, imap_url: str = "imaps://127.0.0.1:1/INBOX"):
    return api.put("/v1/mailboxes/pec", json={"address": SENDER, "smtp_url": smtp_url, "imap_url": imap_url,
                                              "username": USER, "password": password})


def document_bytes(api: Api, doc_id: str) -> bytes:
    r = api.get(f"/v1/documents/{doc_id}/content")
    assert r.status_code == 200
    return r.content


def attachments(message) -> list[tuple[str, bytes]]:
    return [(p.get_filename(), p.get_payload(decode=True)) for p in message.walk() if p.get_filename()]


def text_body(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()


def test_mailbox_password_is_write_only_and_encrypted(api: Api, other: Api, smtp: SmtpServer) -> None:
    r = configure(api, smtp.url())
    assert r.status_code == 201, r.text
    shown = api.get("/v1/mailboxes/pec").json()
    assert shown == {"address": SENDER, "smtp_url": smtp.url(), "imap_url": "imaps://127.0.0.1:1/INBOX",
                     "username": USER, "processed_folder": "Processed", "password_set": True}
    assert PASSWORD not in api.get("/v1/mailboxes/pec").text
    with api.store.session() as session:
        row = session.scalar(select(Mailbox).where(Mailbox.tenant_id == api.tenant_id))
        assert row is not None and PASSWORD not in row.password_encrypted and row.password_encrypted.startswith("gAAAA")
        sealed = row.password_encrypted
    # an update without the password keeps the stored one
    r = api.put("/v1/mailboxes/pec", json={"address": SENDER, "smtp_url": smtp.url(), "username": USER,
                                           "imap_url": "imaps://127.0.0.1:2/INBOX"})
    assert r.status_code == 200 and r.json()["imap_url"] == "imaps://127.0.0.1:2/INBOX"
    with api.store.session() as session:
        assert session.scalar(select(Mailbox.password_encrypted).where(Mailbox.tenant_id == api.tenant_id)) == sealed
    assert other.get("/v1/mailboxes/pec").status_code == 404  # tenants never see each other's mailbox


@pytest.mark.parametrize("field,value,reason", [
    ("smtp_url", "http://mail.example.it", "smtps://"),
    ("smtp_url", "smtps://user:pw@mail.example.it:465", "must not contain a user or password"),
    ("imap_url", "imaps://", "has no host"),
    ("address", "not-an-address", "e-mail address"),
])
def test_mailbox_bad_input_names_the_field(api: Api, field: str, value: str, reason: str) -> None:
    body = {"address": SENDER, "smtp_url": "smtps://smtp.example.it", "imap_url": "imaps://imap.example.it/INBOX",
            "username": USER, "password": "x", field: value}
    r = api.put("/v1/mailboxes/pec", json=body)
    assert r.status_code == 422 and r.json()["field"] == field and reason in r.json()["detail"], r.text
    assert api.get("/v1/mailboxes/pec").status_code == 404  # nothing half-written


def test_first_configuration_needs_the_password_and_the_server_key(api: Api, monkeypatch) -> None:
    body = {"address": SENDER, "smtp_url": "smtps://smtp.example.it", "imap_url": "imaps://imap.example.it",
            "username": USER}
    r = api.put("/v1/mailboxes/pec", json=body)
    assert r.status_code == 422 and r.json()["field"] == "password"
    monkeypatch.delenv("CORRESPONDENCE_SECRET_KEY")
    r = api.put("/v1/mailboxes/pec", json={**body, "password": "pw"})
    assert r.status_code == 503 and api.get("/v1/mailboxes/pec").status_code == 404


def test_send_one_message_to_two_recipients_once(api: Api, smtp: SmtpServer) -> None:
    assert configure(api, smtp.url()).status_code == 201
    first = api.dispatch("pec", recipient="bianchi@pec.example.it")
    second = api.post("/v1/dispatches", json={"case_id": first["case_id"], "document_id": first["document_id"],
                                              "channel": "pec", "recipient": "amministrazione@pec.bianchi.it",
                                              "message_id": first["message_id"]})
    assert second.status_code == 201, second.text
    second = second.json()

    r = api.post(f"/v1/dispatches/{second['id']}/send")
    assert r.status_code == 202, r.text
    assert r.json()["state"] == "submitted" and r.json()["submitted_at"] is not None
    assert len(smtp.received) == 1
    got = smtp.received[0]
    assert got.mail_from == SENDER
    assert sorted(got.rcpt_tos) == ["amministrazione@pec.bianchi.it", "bianchi@pec.example.it"]
    msg = got.message
    assert msg["Message-ID"] == first["message_id"] and msg["X-TipoRicevuta"] == "completa"
    stored = document_bytes(api, first["document_id"])
    assert attachments(msg) == [("letter.pdf", stored)]
    assert hashlib.sha256(attachments(msg)[0][1]).hexdigest() == hashlib.sha256(stored).hexdigest()
    assert msg["Subject"].startswith("Diffida e messa in mora – Studio Legale Verdi per conto di Rossi Forniture")
    body = text_body(msg)
    assert "Spett.le Bianchi S.p.A.," in body and "si trasmette in allegato il documento «Diffida e messa in mora»" \
        in body and "art. 48 del D.Lgs. 7 marzo 2005, n. 82" in body and "- letter.pdf" in body

    for d in (first, second):
        out = api.get(f"/v1/dispatches/{d['id']}").json()
        assert out["state"] == "submitted" and out["submitted_at"] is not None
        [event] = out["events"]
        assert event["type"] == "submitted" and event["details"]["smtp_answer"].startswith("250 2.0.0 Ok: queued")

    again = api.post(f"/v1/dispatches/{first['id']}/send")
    assert again.status_code == 200 and len(smtp.received) == 1  # idempotent: never sent twice
    # the message is sent: a recipient can no longer be added to it
    late = api.post("/v1/dispatches", json={"case_id": first["case_id"], "document_id": first["document_id"],
                                            "channel": "pec", "recipient": "late@pec.it",
                                            "message_id": first["message_id"]})
    assert late.status_code == 409 and late.json()["field"] == "message_id"


def test_spanish_case_is_sent_in_spanish_with_its_p7m(api: Api, smtp: SmtpServer) -> None:
    from correspondence.store.documents import record_document

    assert configure(api, smtp.url()).status_code == 201
    d = api.dispatch("pec", language="es", recipient="administracion@pec.alcala.it")
    p7m = b"0\x82\x01\x00" + uuid.uuid4().bytes  # stands for a CAdES envelope: sent byte for byte
    with api.store.session() as session:
        doc, _ = record_document(session, api.tenant_id, api.store.blobs.put_bytes(p7m), origin="uploaded",
                                 media_type="application/pkcs7-mime", filename="requerimiento.pdf.p7m",
                                 case_id=uuid.UUID(d["case_id"]))
        session.commit()
        p7m_id = str(doc.id)
    r = api.post(f"/v1/dispatches/{d['id']}/send", json={"p7m_document_id": p7m_id})
    assert r.status_code == 202, r.text
    msg = smtp.received[0].message
    assert msg["Subject"].startswith("Requerimiento extrajudicial de pago – Martín & Ortega Abogados")
    body = text_body(msg)
    assert body.startswith("Muy señores nuestros:") and "les remitimos adjunto el documento" in body
    assert "Diffida" not in body and "Atentamente," in body
    assert attachments(msg) == [("letter.pdf", document_bytes(api, d["document_id"])),
                                ("requerimiento.pdf.p7m", p7m)]


def test_send_faults_are_clear_and_send_nothing(api: Api, smtp: SmtpServer) -> None:
    d = api.dispatch("pec")
    r = api.post(f"/v1/dispatches/{d['id']}/send")
    assert r.status_code == 422 and r.json()["field"] == "mailbox"  # no mailbox configured
    configure(api, smtp.url(), password="wrong")
    r = api.post(f"/v1/dispatches/{d['id']}/send")
    assert r.status_code == 502 and r.json()["field"] == "smtp_url" and "refused the credentials" in r.json()["detail"]
    configure(api, f"smtps://127.0.0.1:{free_port()}")
    r = api.post(f"/v1/dispatches/{d['id']}/send")
    assert r.status_code == 502 and "cannot reach" in r.json()["detail"]
    postal = api.dispatch("raccomandata_ar", recipient="Via Roma 1, Milano")
    configure(api, smtp.url())
    r = api.post(f"/v1/dispatches/{postal['id']}/send")
    assert r.status_code == 422 and r.json()["field"] == "channel"
    assert smtp.received == [] and api.get(f"/v1/dispatches/{d['id']}").json()["state"] == "draft"
    r = api.post(f"/v1/dispatches/{d['id']}/send")
    assert r.status_code == 202 and len(smtp.received) == 1  # once fixed, it goes


def test_tls_is_checked(api: Api, smtp: SmtpServer, monkeypatch) -> None:
    monkeypatch.delenv("CORRESPONDENCE_PEC_CA_FILE")  # the test certificate is no longer trusted
    configure(api, smtp.url())
    d = api.dispatch("pec")
    r = api.post(f"/v1/dispatches/{d['id']}/send")
    assert r.status_code == 502 and "TLS" in r.json()["detail"] and smtp.received == []


def test_cli_send_with_starttls_from_the_environment(api: Api, certificate, monkeypatch, capsys) -> None:
    d = api.dispatch("pec")
    monkeypatch.setenv("CORRESPONDENCE_DATABASE_URL", api.store.settings.database_url)
    monkeypatch.setenv("CORRESPONDENCE_BLOB_DIR", str(api.store.settings.blob_dir))
    monkeypatch.setenv("CORRESPONDENCE_PEC_ADDRESS", SENDER)
    monkeypatch.setenv("CORRESPONDENCE_PEC_IMAP_URL", "imaps://127.0.0.1:1/INBOX")
    with SmtpServer(*certificate, mode="plain") as plain:  # no STARTTLS offered: credentials stay home
        monkeypatch.setenv("CORRESPONDENCE_PEC_SMTP_URL", plain.url(credentials=True))
        assert main(["pec", "send", d["id"]]) == 2
        assert "does not offer STARTTLS" in capsys.readouterr().err and plain.received == []
    with SmtpServer(*certificate, mode="starttls") as server:
        monkeypatch.setenv("CORRESPONDENCE_PEC_SMTP_URL", server.url(credentials=True))
        assert main(["pec", "send", d["id"]]) == 0
        assert f"submitted {d['message_id']} to bianchi@pec.example.it: 250" in capsys.readouterr().out
        assert main(["pec", "send", d["id"]]) == 0
        assert "already sent" in capsys.readouterr().out
        assert len(server.received) == 1 and server.received[0].message["Message-ID"] == d["message_id"]
    assert main(["pec", "send", "not-a-uuid"]) == 2
    assert "error: DISPATCH_ID: must be a dispatch/document id" in capsys.readouterr().err
