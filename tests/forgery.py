"""Forged PEC receipts built from real, genuinely signed ones (issue 11 attacks), shared by the dispatch and
API tests. Every function returns the bytes an attacker could upload."""
from __future__ import annotations

import base64
import datetime as dt
import email
import re
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

PEC_DIR = Path(__file__).resolve().parent / "fixtures" / "pec"
ACCETTAZIONE = "seedoo__accettazione__accettazione__aruba-2021.eml"
CONSEGNA = "seedoo__conferma__avvenuta-consegna__aruba-2021.eml"
SEEDOO_MSGID = "<R43XS7$8A2B712B1EC45527B69E94AB60B8CA07@pec.it>"


def pec(name: str) -> bytes:
    return (PEC_DIR / name).read_bytes()


def _boundary(raw: bytes) -> bytes:
    return re.search(rb'boundary="([^"]+)"', raw).group(1)  # type: ignore[union-attr]


def _signature_part(raw: bytes) -> bytes:
    """The original signature part (headers + base64), between the 2nd boundary line and the close line."""
    delim = b"--" + _boundary(raw)
    second = raw.index(b"\r\n" + delim + b"\r\n", raw.index(delim) + 1) + len(delim) + 4
    return raw[second:raw.index(b"\r\n" + delim + b"--", second)]


def forged_daticert(msgid: str, day: str = "01/12/2026", hour: str = "09:00:00") -> bytes:
    """The daticert of the real Aruba delivery receipt, re-pointed at `msgid` on another date."""
    part = next(p for p in email.message_from_bytes(pec(CONSEGNA)).walk()
                if (p.get_filename() or "").lower() == "daticert.xml")
    xml = part.get_payload(decode=True)
    xml = re.sub(rb"<giorno>[^<]*</giorno>", b"<giorno>" + day.encode() + b"</giorno>", xml)
    xml = re.sub(rb"<ora>[^<]*</ora>", b"<ora>" + hour.encode() + b"</ora>", xml)
    escaped = msgid.replace("<", "&lt;").replace(">", "&gt;").encode()
    return re.sub(rb"<msgid>[^<]*</msgid>", b"<msgid>" + escaped + b"</msgid>", xml)


def _forged_part(msgid: str) -> bytes:
    b64 = base64.encodebytes(forged_daticert(msgid)).replace(b"\n", b"\r\n")
    return (b'Content-Type: multipart/mixed; boundary="forged-inner"\r\n\r\n--forged-inner\r\n'
            b'Content-Type: application/xml; name="daticert.xml"\r\nContent-Transfer-Encoding: base64\r\n'
            b'Content-Disposition: inline; filename="daticert.xml"\r\n\r\n' + b64 + b"--forged-inner--\r\n")


def boundary_prefix_forgery(msgid: str) -> bytes:
    """Issue 11 item 1, exactly: shorten the unsigned boundary= by one character, change X-Ricevuta and
    X-Riferimento-Message-ID, append a forged avvenuta-consegna part followed by the original signature."""
    raw = pec(ACCETTAZIONE)
    bound = _boundary(raw)
    short = bound[:-1]
    head, sep, body = raw.partition(b"\r\n\r\n")
    head = head.replace(b'boundary="' + bound + b'"', b'boundary="' + short + b'"')
    head = head.replace(b"X-Ricevuta: accettazione", b"X-Ricevuta: avvenuta-consegna")
    head = head.replace(SEEDOO_MSGID.encode(), msgid.encode())
    return (head + sep + body.rstrip(b"\r\n") + b"\r\n\r\n--" + short + b"\r\n" + _forged_part(msgid)
            + b"\r\n--" + short + b"\r\n" + _signature_part(raw) + b"\r\n--" + short + b"--\r\n")


def second_signature_forgery(msgid: str) -> bytes:
    """The original message with a second 'signature' part carrying the forged daticert."""
    raw = pec(ACCETTAZIONE)
    delim = b"--" + _boundary(raw)
    extra = b"\r\n" + delim + b"\r\n" + _forged_part(msgid)
    end = raw.rindex(b"\r\n" + delim + b"--")
    return raw[:end] + extra + raw[end:]


def epilogue_forgery(msgid: str) -> bytes:
    """The original message with a forged receipt after its closing boundary."""
    return pec(ACCETTAZIONE).rstrip(b"\r\n") + b"\r\n\r\n" + _forged_part(msgid)


def preamble_forgery(msgid: str) -> bytes:
    """The forged daticert part in the preamble (before the signed part)."""
    raw = pec(ACCETTAZIONE)
    return raw.replace(b"This is an S/MIME signed message", b"This is an S/MIME signed message\r\n"
                       + _forged_part(msgid), 1)


def duplicated_header(name: bytes, value: bytes) -> bytes:
    raw = pec(ACCETTAZIONE)
    head, sep, body = raw.partition(b"\r\n\r\n")
    return name + b": " + value + b"\r\n" + head + sep + body


def self_signed_provider(raw: bytes) -> bytes:
    """Re-sign the signed part of `raw` with a fresh self-signed key named like Aruba's PEC certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Aruba PEC S.p.A."),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Posta Certificata ARUBA PEC")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
            .not_valid_after(dt.datetime(2040, 1, 1, tzinfo=dt.timezone.utc)).sign(key, hashes.SHA256()))
    delim = b"--" + _boundary(raw)
    start = raw.index(delim + b"\r\n") + len(delim) + 2
    end = raw.index(b"\r\n" + delim + b"\r\n", start)
    content = raw[start:end]
    der = (pkcs7.PKCS7SignatureBuilder().set_data(content).add_signer(cert, key, hashes.SHA256())
           .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]))
    sig = (b'Content-Type: application/x-pkcs7-signature; name="smime.p7s"\r\nContent-Transfer-Encoding: base64'
           b'\r\n\r\n' + base64.encodebytes(der).replace(b"\n", b"\r\n"))
    return raw[:end] + b"\r\n" + delim + b"\r\n" + sig + b"\r\n" + delim + b"--\r\n"
