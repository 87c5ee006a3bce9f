"""PEC receipts: real gestore samples, receipts built from the technical rules, tampered and hostile input."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from correspondence.dispatch import (
    Channel,
    DeliveryState,
    EventType,
    PecReceipt,
    parse_daticert,
    parse_pec_receipt,
    replay,
)
from correspondence.errors import InputError
from dispatch_helpers import PEC_DIR, pec_bytes, parse_pec

PLUS1, PLUS2 = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))
ARUBA_2014 = "C=IT,O=ARUBA PEC S.p.A.,CN=Posta Certificata ARUBA PEC"
ARUBA_2021 = "CN=Posta Certificata ARUBA PEC,O=Aruba PEC S.p.A.,L=Ponte San Pietro,ST=Bergamo,C=IT"
SEEDOO_MSGID = "<R43XS7$8A2B712B1EC45527B69E94AB60B8CA07@pec.it>"
SEEDOO_ID = "opec296.20211214143608.11149.382.1.69@pec.aruba.it"

# file, kind, error, timestamp, zone, msgid, identificativo, delivery address, recipients, variant, signer
REAL = [
    ("jopenpec__message_ok__posta-certificata__aruba-2014.eml", "posta-certificata", None,
     datetime(2014, 8, 6, 12, 1, 4, tzinfo=PLUS2), "+0200", "<N9VQGC$B2254FE9FD0BA8E3C2A66F0F7F17D574@pec.it>",
     "opec275.20140806120104.16138.09.3.17@pec.aruba.it", None,
     (("cavallaro.francesco@pec.it", "certificato"),), "completa", ARUBA_2014),
    ("jopenpec__message-ok2__avvenuta-consegna-completa__aruba-2014.eml", "avvenuta-consegna", None,
     datetime(2014, 9, 2, 12, 47, 33, tzinfo=PLUS2), "+0200", "<NB9SN9$A29DD6442289068639422B33E50DD933@pec.it>",
     "opec275.20140902124733.12087.08.1.15@pec.aruba.it", "tindaro.tornabene@pec.it",
     (("tindaro.tornabene@pec.it", "certificato"),), "completa", ARUBA_2014),
    ("jopenpec__message_ko__posta-certificata__aruba-2013.eml", "posta-certificata", None,
     datetime(2013, 12, 23, 19, 14, 50, tzinfo=PLUS1), "+0100", "<MY9UOQ$A0FAA1C5F95F8B3BB9A4680C225EAA6D@pec.it>",
     "opec275.20131223191450.21934.08.1.16@pec.aruba.it", None,
     (("antonio.miroddi@ipublic.it", "esterno"), ("cavallaro.francesco@pec.it", "certificato")), "completa",
     ARUBA_2014),
    ("seedoo__accettazione__accettazione__aruba-2021.eml", "accettazione", None,
     datetime(2021, 12, 14, 14, 36, 8, tzinfo=PLUS1), "+0100", SEEDOO_MSGID, SEEDOO_ID, None,
     (("flosslabtest@legalmail.it", "certificato"), ("test01@pec.flosslab.it", "certificato")), None, ARUBA_2021),
    ("seedoo__conferma__avvenuta-consegna__aruba-2021.eml", "avvenuta-consegna", None,
     datetime(2021, 12, 14, 14, 36, 8, tzinfo=PLUS1), "+0100", SEEDOO_MSGID, SEEDOO_ID, "test01@pec.flosslab.it",
     (("flosslabtest@legalmail.it", "certificato"), ("test01@pec.flosslab.it", "certificato")), "completa",
     ARUBA_2021),
    ("seedoo__mancata_consegna__errore-consegna-no-dest__aruba-2021.eml", "errore-consegna", "no-dest",
     datetime(2021, 12, 14, 14, 54, 32, tzinfo=PLUS1), "+0100", "<R43YMM$D7F793DD43B6B427D6C13182BD067782@pec.it>",
     "opec296.20211214145423.22932.377.1.68@pec.aruba.it", "provaprova@pec.flosslab.it",
     (("provaprova@pec.flosslab.it", "certificato"),), None, ARUBA_2021),
    ("biagiot__accettazione__accettazione__anonymized-2024.eml", "accettazione", None,
     datetime(2024, 11, 15, 18, 20, 38, tzinfo=PLUS1), "+0100", "<SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@fakepec.it>",
     "opec210312.20241115182038.288127.606.1.53@fakepec.it", None, (("rec@fakepec.it", "certificato"),), None,
     None),
    ("biagiot__consegna__errore-consegna__anonymized-2024.eml", "errore-consegna", "no-dest",
     datetime(2024, 11, 15, 18, 21, 3, tzinfo=PLUS1), "+0100", "<SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@fakepec.it>",
     "opec210312.20241115182038.288127.606.1.53@fakepec.it", "rec@fakepec.it", (("rec@pec.it", "certificato"),),
     None, None),
    ("gopec__email_2__avvenuta-consegna__anonymized-2021.eml", "avvenuta-consegna", None,
     datetime(2021, 5, 13, 14, 35, 30, tzinfo=PLUS2), "+0200", "<CZPXCJRZKQDRVYXFAZYUIAWNACDAAHEVAEXAKN@example.com>",
     "CZPXCJRZKQDRVYXFAZYUIAWNACDAAHEVAEXAKN@example.com", "example.example.com",
     (("example.example.com", "certificato"),), "completa", None),
    ("gopec__email_3__posta-certificata__anonymized-2021.eml", "posta-certificata", None,
     datetime(2021, 5, 14, 12, 2, 8, tzinfo=PLUS2), "+0200", "<CZPXCJRZKQDRVYXFAZYUIAWNACDAAHEVAEXAKN@example.com>",
     "CZPXCJRZKQDRVYXFAZYUIAWNACDAAHEVAEXAKN@example.com", None, (("no-reply@example.com", "certificato"),),
     "completa", None),
]
REFERENCE_OVERRIDE = {
    "biagiot__consegna__errore-consegna__anonymized-2024.eml": "<SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@pec.it>",
    "gopec__email_3__posta-certificata__anonymized-2021.eml": "<CZPXCJRZKQDRVYXFAZYUIAWNACDAEXAKN@example.com>",
}


@pytest.mark.parametrize(
    "name,kind,error,timestamp,zone,msgid,ident,consegna,recipients,variant,signer", REAL,
    ids=[r[0].split("__")[0] + "-" + r[0].split("__")[1] for r in REAL])
def test_real_receipt_fields(name, kind, error, timestamp, zone, msgid, ident, consegna, recipients, variant,
                             signer):
    receipt = parse_pec_receipt(pec_bytes(name))
    assert receipt.kind == kind
    assert receipt.error == error
    assert receipt.timestamp == timestamp and receipt.timestamp.utcoffset() == timestamp.utcoffset()
    assert receipt.zone == zone
    assert receipt.msgid == msgid
    # X-Riferimento-Message-ID round-trips the original id (anonymisers of two samples edited only one)
    assert receipt.reference_message_id == REFERENCE_OVERRIDE.get(name, msgid)
    assert receipt.identificativo == ident
    assert receipt.delivery_address == consegna
    assert tuple((r.address, r.kind) for r in receipt.recipients) == recipients
    assert receipt.variant == variant
    assert receipt.is_receipt == (kind != "posta-certificata")
    assert receipt.signature.signer == signer
    assert receipt.sha256 == hashlib.sha256(pec_bytes(name)).hexdigest()


@pytest.mark.parametrize("name", [r[0] for r in REAL if r[10] is not None])
def test_real_aruba_signatures_verify(name):
    sig = parse_pec_receipt(pec_bytes(name)).signature
    assert sig.present and sig.valid
    assert sig.algorithm == "sha1/rsassa_pkcs1v15"
    assert "CN=Posta Certificata ARUBA PEC" in sig.reason
    # chained to AgID CA1 / DigitPA CA1 at the signing time, Aruba in the shipped provider list
    assert sig.trust_checked and sig.trusted and sig.provider == "Aruba PEC S.p.A."


def test_signing_time_matches_daticert_time():
    receipt = parse_pec_receipt(pec_bytes("seedoo__conferma__avvenuta-consegna__aruba-2021.eml"))
    assert abs(receipt.signature.signing_time - receipt.timestamp) <= timedelta(seconds=1)


def test_anonymised_receipts_are_flagged_not_trusted():
    stripped = parse_pec_receipt(pec_bytes("biagiot__accettazione__accettazione__anonymized-2024.eml"))
    assert not stripped.signature.present and not stripped.signature.valid
    assert "without a pkcs7-signature part" in stripped.signature.reason
    assert stripped.to_event().trusted is False
    placeholder = parse_pec_receipt(pec_bytes("gopec__email_2__avvenuta-consegna__anonymized-2021.eml"))
    assert placeholder.signature.present and not placeholder.signature.valid
    assert "not a parseable CMS" in placeholder.signature.reason
    event = placeholder.to_event()
    assert event.type is EventType.delivered and event.trusted is False


def test_completa_receipt_without_original_for_non_primary_recipient():
    assert parse_pec_receipt(pec_bytes("jopenpec__message-ok2__avvenuta-consegna-completa__aruba-2014.eml")).has_original
    conferma = parse_pec_receipt(pec_bytes("seedoo__conferma__avvenuta-consegna__aruba-2021.eml"))
    assert conferma.variant == "completa" and not conferma.has_original


def test_errore_esteso_and_stray_text_in_daticert():
    receipt = parse_pec_receipt(pec_bytes("biagiot__consegna__errore-consegna__anonymized-2024.eml"))
    assert receipt.error_detail == "5.1.1 - FAKE Pec S.p.A. - indirizzo non valido"
    assert receipt.gestore == "FAKE PEC S.p.A."
    aruba = parse_pec_receipt(pec_bytes("seedoo__mancata_consegna__errore-consegna-no-dest__aruba-2021.eml"))
    assert aruba.error_detail == "5.1.1 - Aruba Pec S.p.A. - indirizzo non valido"
    assert aruba.to_event().type is EventType.undeliverable


def test_envelope_is_not_a_receipt():
    envelope = parse_pec_receipt(pec_bytes("gopec__email_3__posta-certificata__anonymized-2021.eml"))
    assert envelope.kind == "posta-certificata" and not envelope.is_receipt
    assert envelope.to_event() is None


def test_utf16_daticert_with_trailing_newline_in_identificativo():
    dc = parse_daticert(pec_bytes("jopenpec__daticert__posta-certificata__utf16.xml"))
    assert dc.kind == "posta-certificata"
    assert dc.identificativo == "opec275.20140905122850.23069.09.1.17@pec.aruba.it"
    assert dc.msgid == "<NBFBS2$356499608B206976D53E57473B285C3A@pec.it>"
    assert dc.timestamp == datetime(2014, 9, 5, 12, 28, 50, tzinfo=PLUS2)
    assert dc.variant == "completa" and dc.gestore == "ARUBA PEC S.p.A."


# Built fixtures: kind, error, event type, delivery address, variant, has original
BUILT = [
    ("built__accettazione.eml", "accettazione", None, EventType.accepted, None, None, False),
    ("built__non-accettazione__altro.eml", "non-accettazione", "altro", EventType.not_accepted, None, None, False),
    ("built__non-accettazione__virus.eml", "non-accettazione", "virus", EventType.not_accepted, None, None, False),
    ("built__presa-in-carico.eml", "presa-in-carico", None, EventType.in_transit, None, None, False),
    ("built__preavviso-errore-consegna__12h.eml", "preavviso-errore-consegna", "altro",
     EventType.delivery_warning, "debitore@pec.debitore.example", None, False),
    ("built__preavviso-errore-consegna__5.4.1.eml", "preavviso-errore-consegna", "altro",
     EventType.undeliverable, "debitore@pec.debitore.example", None, False),
    ("built__rilevazione-virus.eml", "rilevazione-virus", "virus", EventType.virus_detected,
     "debitore@pec.debitore.example", None, False),
    ("built__errore-consegna__virus.eml", "errore-consegna", "virus", EventType.failed,
     "debitore@pec.debitore.example", None, False),
    ("built__avvenuta-consegna__completa.eml", "avvenuta-consegna", None, EventType.delivered,
     "debitore@pec.debitore.example", "completa", True),
    ("built__avvenuta-consegna__breve.eml", "avvenuta-consegna", None, EventType.delivered,
     "debitore@pec.debitore.example", "breve", True),
    ("built__avvenuta-consegna__sintetica.eml", "avvenuta-consegna", None, EventType.delivered,
     "debitore@pec.debitore.example", "sintetica", False),
]


@pytest.mark.parametrize("name,kind,error,etype,consegna,variant,has_original", BUILT,
                         ids=[b[0] for b in BUILT])
def test_built_receipts(name, kind, error, etype, consegna, variant, has_original):
    assert parse_pec_receipt(pec_bytes(name)).trusted is False  # the test key is no accredited provider
    receipt = parse_pec(pec_bytes(name))
    assert (receipt.kind, receipt.error, receipt.delivery_address, receipt.variant) == (kind, error, consegna,
                                                                                         variant)
    assert receipt.has_original is has_original
    assert receipt.signature.valid, receipt.signature.reason
    assert receipt.signature.signer == "CN=Posta Certificata TEST GESTORE,O=Correspondence test fixtures,C=IT"
    assert receipt.msgid == "<diffida-2025-0001@correspondence.example>"
    assert receipt.identificativo == "opec-test.20250303101500.00001.01.1.1@pec.gestore.example"
    event = receipt.to_event()
    assert event.type is etype and event.trusted and event.source == "pec_receipt"
    assert event.occurred_at == receipt.timestamp
    assert event.details["identificativo"] == receipt.identificativo


def test_built_presa_in_carico_lists_recipients_taken_in_charge():
    receipt = parse_pec(pec_bytes("built__presa-in-carico.eml"))
    assert receipt.taken_in_charge_for == ("debitore@pec.debitore.example", "amministrazione@pec.debitore.example")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl command not installed")
def test_built_fixtures_verify_with_openssl_too():
    """Cross-check the fixture builder with an independent S/MIME implementation."""
    for name in ("built__accettazione.eml", "built__anomalia.eml", "built__presa-in-carico.eml"):
        done = subprocess.run(["openssl", "smime", "-verify", "-noverify", "-in", str(PEC_DIR / name),
                               "-out", "/dev/null"], capture_output=True, text=True)
        assert "Verification successful" in done.stderr


def test_verifica_sicurezza_errore_is_recorded():
    raw = pec_bytes("jopenpec__message_ok__posta-certificata__aruba-2014.eml")
    flagged = raw.replace(b"X-Trasporto: posta-certificata", b"X-Trasporto: posta-certificata\r\n"
                                                              b"X-VerificaSicurezza: errore", 1)
    assert any("X-VerificaSicurezza" in w for w in parse_pec_receipt(flagged).warnings)
    assert parse_pec_receipt(raw).warnings == ()


def test_anomaly_envelope_is_not_a_receipt():
    receipt = parse_pec_receipt(pec_bytes("built__anomalia.eml"))
    assert receipt.kind == "anomalia" and not receipt.is_receipt and receipt.to_event() is None
    assert receipt.has_original and receipt.msgid is None


def test_tampered_daticert_is_flagged_and_never_delivers():
    receipt = parse_pec_receipt(pec_bytes("tampered__seedoo-conferma__daticert-backdated.eml"))
    assert receipt.kind == "avvenuta-consegna"
    assert receipt.timestamp.date().isoformat() == "2021-12-10"  # what the forger wrote
    assert receipt.signature.present and not receipt.signature.valid
    assert "modified after signing" in receipt.signature.reason
    event = receipt.to_event()
    assert event.type is EventType.delivered and event.trusted is False
    accepted = parse_pec_receipt(pec_bytes("seedoo__accettazione__accettazione__aruba-2021.eml")).to_event()
    status = replay(Channel.pec, [accepted, event], deadline_days=15)
    assert status.state is DeliveryState.accepted
    assert status.claimed_state is DeliveryState.delivered
    assert status.legal_effect is None and status.deadline_at is None
    assert event in status.events  # kept as evidence


def test_unsigned_header_cannot_change_the_signed_kind():
    receipt = parse_pec_receipt(pec_bytes("tampered__seedoo-accettazione__x-ricevuta-header.eml"))
    assert receipt.signature.valid  # top-level headers are outside the signed part
    assert receipt.kind == "accettazione" and receipt.to_event().type is EventType.accepted
    assert any("daticert wins" in w for w in receipt.warnings)


def test_flipped_signed_byte_breaks_the_signature():
    raw = pec_bytes("built__avvenuta-consegna__completa.eml")
    forged = raw.replace(b"quindici giorni", b"quaranta giorni", 1)
    assert forged != raw
    receipt = parse_pec_receipt(forged)
    assert not receipt.signature.valid and receipt.to_event().trusted is False


@pytest.mark.parametrize("name", ["hostile__daticert-billion-laughs.eml", "hostile__daticert-xxe.eml"])
def test_hostile_daticert_is_a_clear_input_error(name):
    with pytest.raises(InputError) as info:
        parse_pec_receipt(pec_bytes(name))
    assert info.value.field == "file"
    assert "refused unsafe XML" in info.value.reason


def test_bare_hostile_xml_is_refused():
    with pytest.raises(InputError, match="refused unsafe XML"):
        parse_daticert(b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                       b'<postacert tipo="accettazione">&x;</postacert>')


@pytest.mark.parametrize("raw,reason", [
    (b"", "empty file"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not a MIME e-mail message"),
    (b"\x00\x01\x02\xff\xfe binary", "not a MIME e-mail message"),
    (b"From: a@b.example\nSubject: hello\n\nplain mail\n", "not a PEC message"),
    (b"From: a@b.example\nX-Ricevuta: consegnata-forse\n\nx\n", "unknown X-Ricevuta"),
])
def test_non_pec_input_is_a_clear_error(raw, reason):
    with pytest.raises(InputError) as info:
        parse_pec_receipt(raw)
    assert info.value.field == "file" and reason in info.value.reason


def test_size_limit():
    with pytest.raises(InputError, match="larger than"):
        parse_pec_receipt(pec_bytes("seedoo__accettazione__accettazione__aruba-2021.eml"), max_bytes=1000)


def test_malformed_daticert_date_is_an_input_error():
    with pytest.raises(InputError, match="invalid giorno/ora"):
        parse_daticert(b'<postacert tipo="accettazione"><intestazione><mittente>a</mittente>'
                       b'<destinatari>b</destinatari><risposte>a</risposte></intestazione><dati>'
                       b'<gestore-emittente>g</gestore-emittente><data zona="+0100"><giorno>31/02/2025</giorno>'
                       b'<ora>10:00:00</ora></data><identificativo>i</identificativo></dati></postacert>')


def test_receipt_is_immutable():
    receipt: PecReceipt = parse_pec_receipt(pec_bytes("built__accettazione.eml"))
    with pytest.raises(AttributeError):
        receipt.kind = "avvenuta-consegna"  # type: ignore[misc]


def test_applies_to_routes_receipts_to_recipients():
    accettazione = parse_pec_receipt(pec_bytes("seedoo__accettazione__accettazione__aruba-2021.eml"))
    assert accettazione.applies_to == ("flosslabtest@legalmail.it", "test01@pec.flosslab.it")
    conferma = parse_pec_receipt(pec_bytes("seedoo__conferma__avvenuta-consegna__aruba-2021.eml"))
    assert conferma.applies_to == ("test01@pec.flosslab.it",)
    presa = parse_pec_receipt(pec_bytes("built__presa-in-carico.eml"))
    assert presa.applies_to == ("debitore@pec.debitore.example", "amministrazione@pec.debitore.example")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_receipts_parse_or_fail_cleanly(data):
    """Truncated or byte-damaged receipts give a PecReceipt or an InputError, never another exception."""
    raw = bytearray(pec_bytes(data.draw(st.sampled_from(
        ["seedoo__conferma__avvenuta-consegna__aruba-2021.eml", "built__presa-in-carico.eml",
         "biagiot__consegna__errore-consegna__anonymized-2024.eml"]))))
    for _ in range(data.draw(st.integers(0, 6))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    try:
        receipt = parse_pec_receipt(bytes(raw[:cut]))
    except InputError as exc:
        assert exc.field == "file" and exc.reason
        return
    assert receipt.kind and isinstance(receipt.signature.valid, bool)
