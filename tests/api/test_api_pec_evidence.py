"""Issue 11 attacks on PEC evidence through the API (SQLite and PostgreSQL): a forged structure around a
genuine signature, a self-signed "provider", a receipt older than the submission, a ricevuta completa for
another attachment, a dispatch for a document of another case."""
from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import uuid
from pathlib import Path

import pytest

from correspondence.dispatch.providers import PACKAGED, install_trust_list
from tests import forgery
from tests.api.conftest import CONSEGNA, SEEDOO_MSGID, SEEDOO_RECIPIENT, Api, parse_dt, pec_bytes

SENT = "2021-12-14T14:30:00+01:00"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pec"


def _builder():
    spec = importlib.util.spec_from_file_location("build_fixtures", FIXTURES / "build_fixtures.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture
def trust_test_gestore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Install (under a fresh CORRESPONDENCE_HOME) the shipped list plus the fixtures' test gestore."""
    data = json.loads(PACKAGED.read_text())
    data["providers"].append({"name": "TEST GESTORE", "organization": "Correspondence test fixtures"})
    data["anchors"].append({"name": "test", "pem": (FIXTURES / "test_gestore_cert.pem").read_text()})
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path))
    install_trust_list(json.dumps(data).encode())


def _state(api: Api, dispatch_id: str) -> dict:
    return api.get(f"/v1/dispatches/{dispatch_id}").json()


def test_boundary_prefix_forgery_leaves_the_dispatch_untouched(api: Api) -> None:
    victim = api.dispatch("pec", recipient=SEEDOO_RECIPIENT, message_id="<diffida-0042@studio.example>",
                          submitted_at="2026-11-30T09:00:00+01:00")
    for raw in (forgery.boundary_prefix_forgery(victim["message_id"]), forgery.epilogue_forgery(victim["message_id"]),
                forgery.second_signature_forgery(victim["message_id"])):
        for dispatch_id in (victim["id"], None):
            r = api.receipt(dispatch_id, raw)
            assert r.status_code == 422, r.text
            assert r.json()["field"] == "file" and "ambiguous MIME structure" in r.json()["detail"]
    out = _state(api, victim["id"])
    assert out["state"] == "draft" and out["events"] == [] and out["receipt_ids"] == []


def test_self_signed_provider_is_flagged_and_never_delivers(api: Api) -> None:
    d = api.dispatch("pec", recipient=SEEDOO_RECIPIENT, message_id=SEEDOO_MSGID, submitted_at=SENT)
    r = api.receipt(d["id"], forgery.self_signed_provider(pec_bytes(CONSEGNA)))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["flagged"] is True and "not trusted" in body["flag_reason"]
    assert body["details"]["signature"]["trusted"] is False
    assert "Posta Certificata ARUBA PEC" in body["details"]["signature"]["signer"]
    out = _state(api, d["id"])
    assert out["state"] == "draft" and out["claimed_state"] == "delivered" and out["legal_effective_at"] is None


def test_receipt_older_than_the_submission_is_refused(api: Api) -> None:
    """A dispatch opened today with an old message's Message-ID cannot take that message's 2021 receipt."""
    today = api.dispatch("pec", recipient=SEEDOO_RECIPIENT, message_id=SEEDOO_MSGID)
    assert today["submitted_at"] is None and today["registered_after"] is False
    r = api.receipt(today["id"], pec_bytes(CONSEGNA))
    assert r.status_code == 422 and r.json()["field"] == "file" and "before this dispatch" in r.json()["detail"]
    assert api.receipt(None, pec_bytes(CONSEGNA)).status_code == 422
    out = _state(api, today["id"])
    assert out["state"] == "draft" and out["receipt_ids"] == [] and out["deadline_at"] is None


def test_registered_after_sending(api: Api, other: Api) -> None:
    d = other.dispatch("pec", recipient=SEEDOO_RECIPIENT, message_id=SEEDOO_MSGID, submitted_at=SENT)
    assert d["registered_after"] is True and parse_dt(d["submitted_at"]) == parse_dt(SENT)
    assert parse_dt(_state(other, d["id"])["submitted_at"]) == parse_dt(SENT)
    assert other.receipt(d["id"], pec_bytes(CONSEGNA)).status_code == 201
    assert _state(other, d["id"])["state"] == "delivered"
    late = api.dispatch("pec", recipient=SEEDOO_RECIPIENT, message_id=SEEDOO_MSGID,
                        submitted_at="2021-12-14T16:00:00+01:00")  # sent after the receipt's time: not this one
    assert api.receipt(late["id"], pec_bytes(CONSEGNA)).status_code == 422


@pytest.mark.parametrize("value,reason", [("2099-01-01T10:00:00+01:00", "future"),
                                          ("2021-12-14T14:30:00", "offset")])
def test_bad_submitted_at_is_422(api: Api, value: str, reason: str) -> None:
    case = api.case()
    doc = api.document(case["id"])
    r = api.post("/v1/dispatches", json={"case_id": case["id"], "document_id": doc["id"], "channel": "pec",
                                         "recipient": "a@pec.example.it", "submitted_at": value})
    assert r.status_code == 422, r.text
    assert "submitted_at" in json.dumps(r.json())


def test_dispatch_of_a_document_of_another_case_is_refused(api: Api) -> None:
    first, second = api.case(), api.case()
    doc = api.document(first["id"])
    r = api.post("/v1/dispatches", json={"case_id": second["id"], "document_id": doc["id"], "channel": "pec",
                                         "recipient": "a@pec.example.it"})
    assert r.status_code == 422 and r.json()["field"] == "document_id"
    assert api.get("/v1/dispatches", params={"case_id": second["id"]}).json() == []


def _completa_dispatch(api: Api, pdf: bytes) -> dict:
    case = api.case()
    r = api.post("/v1/documents", files={"file": ("diffida.pdf", pdf, "application/pdf")}, data={"case_id": case["id"]})
    assert r.status_code == 201, r.text
    b = _builder()
    body = {"case_id": case["id"], "document_id": r.json()["id"], "channel": "pec", "recipient": b.RECIPIENT,
            "message_id": b.MSGID, "submitted_at": "2025-03-03T10:14:00+01:00"}
    r = api.post("/v1/dispatches", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _receipt_with(attachment: bytes, variant: str) -> bytes:
    """A ricevuta di avvenuta consegna (test gestore) whose original carries `attachment` (completa) or its
    SHA-256 in its place (breve)."""
    b = _builder()
    if variant == "completa":
        part = ('Content-Type: application/pdf; name="diffida.pdf"\nContent-Disposition: attachment; '
                'filename="diffida.pdf"\nContent-Transfer-Encoding: base64\n\n'
                + base64.encodebytes(attachment).decode("ascii"))
    else:
        part = ('Content-Type: text/plain; name="diffida.pdf.hash"\nContent-Disposition: attachment; '
                'filename="diffida.pdf.hash"\n\n' + hashlib.sha256(attachment).hexdigest() + "\n")
    original = (f"From: {b.SENDER}\nTo: {b.RECIPIENT}\nSubject: {b.SUBJECT}\nMessage-ID: <o@pec.gestore.example>\n"
                f"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"orig\"\n\n--orig\n"
                "Content-Type: text/plain\n\nEgregio debitore, in allegato la diffida.\n--orig\n" + part + "--orig--\n")
    return b.build(b.receipt("avvenuta-consegna", "CONSEGNA", "Mon, 3 Mar 2025 10:15:03 +0100",
                             f"<opec-test.{uuid.uuid4().hex}@pec.destinatario.example>"),
                   "Il messaggio e' stato consegnato.",
                   b.daticert("avvenuta-consegna", "03/03/2025 10:15:03 +0100", ricevuta=variant,
                              extra=f"\n    <consegna>{b.RECIPIENT}</consegna>"), original)


@pytest.mark.parametrize("variant", ["completa", "breve"])
def test_receipt_for_the_dispatched_document_matches(api: Api, trust_test_gestore: None, variant: str) -> None:
    pdf = b"%PDF-1.7\n% diffida " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
    d = _completa_dispatch(api, pdf)
    r = api.receipt(d["id"], _receipt_with(pdf, variant))
    assert r.status_code == 201, r.text
    assert r.json()["matches_document"] is True and r.json()["flagged"] is False, r.json()
    assert _state(api, d["id"])["state"] == "delivered"


@pytest.mark.parametrize("variant", ["completa", "breve"])
def test_receipt_for_another_attachment_is_flagged(api: Api, trust_test_gestore: None, variant: str) -> None:
    d = _completa_dispatch(api, b"%PDF-1.7\n% the letter we sent " + uuid.uuid4().hex.encode() + b"\n%%EOF\n")
    r = api.receipt(d["id"], _receipt_with(b"%PDF-1.7\n% some other letter\n%%EOF\n", variant))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["matches_document"] is False and body["flagged"] is True
    assert "not the dispatched document" in body["flag_reason"]
    out = _state(api, d["id"])
    assert out["state"] == "draft" and out["claimed_state"] == "delivered"


def test_sintetica_has_nothing_to_compare(api: Api, trust_test_gestore: None) -> None:
    d = _completa_dispatch(api, b"%PDF-1.7\n% x " + uuid.uuid4().hex.encode() + b"\n%%EOF\n")
    r = api.receipt(d["id"], (FIXTURES / "built__avvenuta-consegna__sintetica.eml").read_bytes())
    assert r.status_code == 201, r.text
    assert r.json()["matches_document"] is None and r.json()["flagged"] is False
    assert _state(api, d["id"])["state"] == "delivered"
