"""PEC dispatches through the HTTP API with real gestore receipts (signed by Aruba, verified byte-exact)."""
from __future__ import annotations

import datetime as dt
import hashlib
from concurrent.futures import ThreadPoolExecutor

from tests.api.conftest import (
    ACCETTAZIONE, CONSEGNA, MANCATA, MANCATA_MSGID, MANCATA_RECIPIENT, SEEDOO_MSGID, SEEDOO_RECIPIENT, Api,
    parse_dt, pec_bytes,
)

SENT = "2021-12-14T14:30:00+01:00"  # the seedoo messages were sent before their receipts (registered afterwards)
DELIVERED_AT = dt.datetime(2021, 12, 14, 14, 36, 8, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def _pec_dispatch(api: Api, **fields) -> dict:
    return api.dispatch("pec", recipient=SEEDOO_RECIPIENT, message_id=SEEDOO_MSGID, deadline_days=15,
                        submitted_at=fields.pop("submitted_at", SENT), **fields)


def test_pec_lifecycle_accepted_then_delivered(api: Api) -> None:
    d = _pec_dispatch(api)
    assert d["state"] == "draft" and d["message_id"] == SEEDOO_MSGID and d["legal_effective_at"] is None

    r = api.receipt(d["id"], pec_bytes(ACCETTAZIONE))
    assert r.status_code == 201, r.text
    acc = r.json()
    assert acc["kind"] == "pec" and acc["signature"] == {"present": True, "valid": True}
    assert acc["flagged"] is False and acc["details"]["pec_kind"] == "accettazione"
    assert acc["sha256"] == hashlib.sha256(pec_bytes(ACCETTAZIONE)).hexdigest()
    assert api.get(f"/v1/dispatches/{d['id']}").json()["state"] == "accepted"

    r = api.receipt(d["id"], pec_bytes(CONSEGNA))
    assert r.status_code == 201, r.text
    out = api.get(f"/v1/dispatches/{d['id']}").json()
    assert out["state"] == "delivered" and out["final"] is True
    assert parse_dt(out["legal_effective_at"]) == DELIVERED_AT
    assert out["legal_basis"]["rule"] == "pec_delivery_receipt"
    assert "DPR 68/2005" in out["legal_basis"]["source"] and out["legal_basis"]["deemed"] is False
    # 14 Dec 2021 + 15 days = 29 Dec 2021 (a Wednesday, no holiday): counted from the delivery receipt
    assert out["deadline_at"] == "2021-12-29"
    assert [e["type"] for e in out["events"]] == ["accepted", "delivered"]
    assert all(e["source"] == "pec_receipt" and e["trusted"] for e in out["events"])
    assert sorted(out["receipt_ids"]) == sorted([acc["id"], r.json()["id"]])


def test_out_of_order_receipts_give_the_same_result(api: Api) -> None:
    natural, reversed_ = _pec_dispatch(api), None
    for name in (ACCETTAZIONE, CONSEGNA):
        assert api.receipt(natural["id"], pec_bytes(name)).status_code == 201
    # same Message-ID cannot be used twice by one tenant: the second dispatch lives in its own tenant
    from tests.api.conftest import Api as _Api

    other = _Api(api.http.app, api.store)
    reversed_ = other.dispatch("pec", recipient=SEEDOO_RECIPIENT, message_id=SEEDOO_MSGID, deadline_days=15,
                               submitted_at=SENT)
    for name in (CONSEGNA, ACCETTAZIONE):
        assert other.receipt(reversed_["id"], pec_bytes(name)).status_code == 201
    a = api.get(f"/v1/dispatches/{natural['id']}").json()
    b = other.get(f"/v1/dispatches/{reversed_['id']}").json()
    for key in ("state", "legal_effective_at", "legal_basis", "deadline_at"):
        assert a[key] == b[key], key
    assert [e["type"] for e in b["events"]] == ["accepted", "delivered"]


def test_receipt_finds_its_dispatch_by_message_id(api: Api, other: Api) -> None:
    d = _pec_dispatch(api)
    decoy = other.dispatch("pec", recipient=SEEDOO_RECIPIENT, message_id=SEEDOO_MSGID, submitted_at=SENT)
    r = api.receipt(None, pec_bytes(CONSEGNA))
    assert r.status_code == 201, r.text
    assert r.json()["dispatch_id"] == d["id"]
    assert api.get(f"/v1/dispatches/{d['id']}").json()["state"] == "delivered"
    assert other.get(f"/v1/dispatches/{decoy['id']}").json()["state"] == "draft"  # other tenant untouched


def test_unmatched_receipt_is_422_with_field(api: Api) -> None:
    r = api.receipt(None, pec_bytes(CONSEGNA))
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == "file" and SEEDOO_MSGID in body["detail"]
    assert r.headers["content-type"] == "application/problem+json"


def test_receipt_for_another_message_or_recipient_is_refused(api: Api) -> None:
    d = _pec_dispatch(api)
    r = api.receipt(d["id"], pec_bytes(MANCATA))
    assert r.status_code == 422 and "Message-ID" in r.json()["detail"]
    wrong_recipient = api.dispatch("pec", recipient="someone.else@pec.example.it", message_id=MANCATA_MSGID,
                                   submitted_at=SENT)
    r = api.receipt(wrong_recipient["id"], pec_bytes(MANCATA))
    assert r.status_code == 422 and MANCATA_RECIPIENT in r.json()["detail"]
    assert api.get(f"/v1/dispatches/{d['id']}/receipts").json() == []


def test_non_delivery_receipt(api: Api) -> None:
    d = api.dispatch("pec", recipient=MANCATA_RECIPIENT, message_id=MANCATA_MSGID, submitted_at=SENT)
    r = api.receipt(None, pec_bytes(MANCATA))
    assert r.status_code == 201, r.text
    out = api.get(f"/v1/dispatches/{d['id']}").json()
    assert out["state"] == "undeliverable"
    assert out["legal_effective_at"] is None and out["legal_basis"]["rule"] == "not_delivered"
    assert out["deadline_at"] is None
    assert out["events"][0]["details"]["error"] == "no-dest"


def test_tampered_receipt_is_stored_flagged_and_never_delivers(api: Api) -> None:
    d = _pec_dispatch(api)
    raw = pec_bytes(CONSEGNA)
    tampered = raw.replace(b"test01@pec.flosslab.it", b"test01@pec.flosslab.it", 1)
    # change one byte inside the signed body (the human-readable text), keep the structure intact
    idx = tampered.index(b"Il giorno")
    tampered = tampered[:idx] + b"Il Giorno" + tampered[idx + len(b"Il giorno"):]
    assert tampered != raw
    r = api.receipt(d["id"], tampered)
    assert r.status_code == 201, r.text
    rec = r.json()
    assert rec["flagged"] is True and rec["signature"]["valid"] is False
    assert rec["flag_reason"].startswith("not trusted")
    out = api.get(f"/v1/dispatches/{d['id']}").json()
    assert out["state"] == "draft" and out["claimed_state"] == "delivered"
    assert out["legal_effective_at"] is None
    assert out["events"][0]["trusted"] is False
    # the original bytes are kept as uploaded, tampering included
    assert api.get(f"/v1/receipts/{rec['id']}/content").content == tampered
    timeline = api.get(f"/v1/cases/{d['case_id']}/timeline").json()["entries"]
    assert any("UNTRUSTED" in e["summary"] for e in timeline if e["kind"] == "event:delivered")
    assert any("FLAGGED" in e["summary"] for e in timeline if e["kind"] == "receipt")
    assert not any(e["kind"] == "legal_effect" for e in timeline)
    # the genuine receipt then delivers
    assert api.receipt(d["id"], raw).status_code == 201
    assert api.get(f"/v1/dispatches/{d['id']}").json()["state"] == "delivered"


def test_unsigned_receipt_does_not_move_the_dispatch(api: Api) -> None:
    name = "biagiot__accettazione__accettazione__anonymized-2024.eml"
    d = api.dispatch("pec", message_id="<SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@fakepec.it>",
                     submitted_at="2024-11-15T18:20:00+01:00")
    r = api.receipt(None, pec_bytes(name))
    assert r.status_code == 201, r.text
    assert r.json()["signature"]["present"] is False and r.json()["flagged"] is True
    out = api.get(f"/v1/dispatches/{d['id']}").json()
    assert out["state"] == "draft" and out["claimed_state"] == "accepted"


def test_duplicate_upload_is_idempotent(api: Api) -> None:
    d = _pec_dispatch(api)
    first = api.receipt(d["id"], pec_bytes(CONSEGNA))
    again = api.receipt(d["id"], pec_bytes(CONSEGNA))
    via_lookup = api.receipt(None, pec_bytes(CONSEGNA))
    assert first.status_code == 201 and again.status_code == 200 and via_lookup.status_code == 200
    assert first.json()["id"] == again.json()["id"] == via_lookup.json()["id"]
    out = api.get(f"/v1/dispatches/{d['id']}").json()
    assert len(out["receipt_ids"]) == 1 and len(out["events"]) == 1


def test_concurrent_uploads_make_one_record_and_no_error(api: Api) -> None:
    d = _pec_dispatch(api)
    files = [pec_bytes(CONSEGNA), pec_bytes(ACCETTAZIONE)] * 4

    def upload(data: bytes):
        return api.receipt(d["id"], data).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(upload, files))
    assert sorted(codes) == [200] * 6 + [201] * 2
    out = api.get(f"/v1/dispatches/{d['id']}").json()
    assert len(out["receipt_ids"]) == 2 and len(out["events"]) == 2 and out["state"] == "delivered"


def test_not_a_mime_message_is_422(api: Api) -> None:
    d = _pec_dispatch(api)
    r = api.receipt(d["id"], b"\x00\x01 this is not an e-mail \xff" * 10)
    assert r.status_code == 422 and r.json()["field"] == "file"
    r = api.receipt(d["id"], b"Subject: hello\n\nplain mail, not from a PEC gestore\n")
    assert r.status_code == 422 and "not a PEC message" in r.json()["detail"]
    assert api.get(f"/v1/dispatches/{d['id']}/receipts").json() == []


def test_xml_entity_bomb_in_daticert_is_422(api: Api) -> None:
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
            b'<postacert tipo="avvenuta-consegna" errore="nessuno"><intestazione><mittente>&lol3;</mittente>'
            b'</intestazione></postacert>\n')
    import base64

    eml = (b"From: posta-certificata@pec.example.it\r\nX-Ricevuta: avvenuta-consegna\r\n"
           b"X-Riferimento-Message-ID: " + SEEDOO_MSGID.encode() + b"\r\nMIME-Version: 1.0\r\n"
           b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nx\r\n'
           b'--B\r\nContent-Type: application/xml; name="daticert.xml"\r\nContent-Transfer-Encoding: base64\r\n'
           b'Content-Disposition: inline; filename="daticert.xml"\r\n\r\n' + base64.encodebytes(bomb) +
           b"\r\n--B--\r\n")
    d = _pec_dispatch(api)
    r = api.receipt(d["id"], eml)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "file"
    assert api.get(f"/v1/dispatches/{d['id']}/receipts").json() == []


def test_receipt_content_is_byte_identical_with_digest_headers(api: Api) -> None:
    import base64

    d = _pec_dispatch(api)
    raw = pec_bytes(CONSEGNA)
    rec = api.receipt(d["id"], raw).json()
    r = api.get(f"/v1/receipts/{rec['id']}/content")
    assert r.status_code == 200 and r.content == raw
    digest = hashlib.sha256(raw)
    assert r.headers["etag"] == f'"{digest.hexdigest()}"'
    assert r.headers["repr-digest"] == f"sha-256=:{base64.b64encode(digest.digest()).decode()}:"
    assert api.get(f"/v1/receipts/{rec['id']}/content", headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    assert api.get(f"/v1/receipts/{rec['id']}").json()["size"] == len(raw)


def test_header_disagreeing_with_the_signed_msgid_is_refused(api: Api) -> None:
    d = _pec_dispatch(api)
    other_id = "<SOMEONE$ELSE@pec.it>"
    api.dispatch("pec", recipient=SEEDOO_RECIPIENT, message_id=other_id, submitted_at=SENT)
    forged = pec_bytes(CONSEGNA).replace(f"X-Riferimento-Message-ID: {SEEDOO_MSGID}".encode(),
                                         f"X-Riferimento-Message-ID: {other_id}".encode(), 1)
    assert forged != pec_bytes(CONSEGNA)
    for target in (None, d["id"]):
        r = api.receipt(target, forged)
        assert r.status_code == 422 and "disagrees" in r.json()["detail"]
    assert api.get(f"/v1/dispatches/{d['id']}/receipts").json() == []


def test_damaged_receipts_never_cause_server_errors(api: Api) -> None:
    """Truncated and bit-flipped copies of a real receipt: stored (flagged) or refused, never a 500."""
    import random

    d = _pec_dispatch(api)
    raw = pec_bytes(CONSEGNA)
    rnd = random.Random(5)
    variants = [raw[:n] for n in (40, 400, 2000, len(raw) // 2, len(raw) - 10)]
    for _ in range(8):
        data = bytearray(raw)
        for _ in range(5):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        variants.append(bytes(data))
    codes = [api.receipt(d["id"], v).status_code for v in variants]
    assert set(codes) <= {200, 201, 409, 422}, codes
    out = api.get(f"/v1/dispatches/{d['id']}").json()
    assert out["state"] in ("draft", "delivered")
    receipts = [api.get(f"/v1/receipts/{rid}").json() for rid in out["receipt_ids"]]
    # a flip outside the signed part (top-level headers) leaves a valid signature; anything else is flagged
    assert all(r["flagged"] or r["signature"]["valid"] for r in receipts)
    assert any(r["flagged"] for r in receipts)
    if out["state"] == "delivered":
        assert any(r["signature"]["valid"] for r in receipts)
