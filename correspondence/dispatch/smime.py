"""Integrity check of the gestore's S/MIME (multipart/signed, detached CMS) signature on a PEC message.

The signed content is cut from the original bytes exactly as received (RFC 1847: between the first
boundary line and the CRLF before the next one), canonicalised to CRLF as S/MIME requires, hashed and
checked against the CMS signed attributes; the signature value is checked with the key of the
certificate embedded in the CMS (pyHanko's `validate_sig_integrity`).

What is *not* checked: the chain to the AgID/DigitPA PEC CAs, revocation, the IGPEC gestori list. The
result says so ("trust not checked"); a valid result proves the bytes were not changed since the holder
of that certificate signed them.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import Message

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.sign.validation.generic_cms import validate_sig_integrity

TRUST_NOTE = "trust not checked (AgID PEC CA roots not shipped)"
_BARE_LF = re.compile(rb"(?<!\r)\n")


@dataclass(frozen=True)
class SignatureCheck:
    """Outcome of the S/MIME check; `reason` is a human sentence fit for the evidence record."""

    present: bool
    valid: bool
    reason: str
    signer: str | None
    algorithm: str | None
    signing_time: datetime | None = None
    trust_checked: bool = False


def _signed_content(raw: bytes, boundary: str) -> bytes | None:
    """First body part of a multipart/signed message, from the raw bytes, canonicalised to CRLF."""
    delim = b"--" + boundary.encode("ascii", "replace")
    start = 0
    while True:
        pos = raw.find(delim, start)
        if pos < 0:
            return None
        if pos == 0 or raw[pos - 1:pos] == b"\n":
            break
        start = pos + 1
    line_end = raw.find(b"\n", pos)
    if line_end < 0:
        return None
    body_start = line_end + 1
    end = raw.find(b"\n" + delim, body_start)
    if end < 0:
        return None
    content = raw[body_start:end]
    if content.endswith(b"\r"):
        content = content[:-1]
    return _BARE_LF.sub(b"\r\n", content)


def _find_signer_cert(signed_data: cms.SignedData, sid: cms.SignerIdentifier) -> asn1_x509.Certificate | None:
    for choice in signed_data["certificates"] or ():
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            issuer = sid.chosen["issuer"]
            # serial first and DER before asn1crypto's (slow, LDAP-normalising) Name equality
            if cert.serial_number == sid.chosen["serial_number"].native and (
                    cert.issuer.dump() == issuer.dump() or cert.issuer == issuer):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def _signing_time(signer_info: cms.SignerInfo) -> datetime | None:
    attrs = signer_info["signed_attrs"]
    if not attrs:
        return None
    for attr in attrs:
        if attr["type"].native == "signing_time":
            return attr["values"][0].native
    return None


def _fail(reason: str, present: bool = True, signer: str | None = None, algorithm: str | None = None,
          when: datetime | None = None) -> SignatureCheck:
    return SignatureCheck(present, False, reason, signer, algorithm, when)


def verify_smime(raw: bytes, message: Message) -> SignatureCheck:
    """Check the top-level S/MIME signature of `message` (parsed from `raw`) over the original bytes."""
    if message.get_content_type() != "multipart/signed":
        return _fail("unsigned: not an S/MIME multipart/signed message", present=False)
    parts = message.get_payload()
    sig_part = None
    if isinstance(parts, list):
        sig_part = next((p for p in parts[1:] if p.get_content_type() in
                         ("application/pkcs7-signature", "application/x-pkcs7-signature")), None)
    if sig_part is None:
        return _fail("unsigned: multipart/signed without a pkcs7-signature part", present=False)
    boundary = message.get_boundary()
    content = _signed_content(raw, boundary) if boundary else None
    if content is None:
        return _fail("malformed multipart/signed: signed part not found in the raw bytes")
    try:
        der = sig_part.get_payload(decode=True) or b""
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "signed_data":
            return _fail("signature part is not a CMS SignedData")
        signed_data = info["content"]
        signer_info = signed_data["signer_infos"][0]
        cert = _find_signer_cert(signed_data, signer_info["sid"])
        digest_name = signer_info["digest_algorithm"]["algorithm"].native
        algorithm = f"{digest_name}/{signer_info['signature_algorithm'].signature_algo}"
        when = _signing_time(signer_info)
    except Exception as exc:  # asn1crypto raises many types on garbage; all mean "unparseable"
        return _fail(f"signature part is not a parseable CMS SignedData ({type(exc).__name__})")
    if cert is None:
        return _fail("signer certificate not included in the signature", algorithm=algorithm, when=when)
    try:
        signer = x509.load_der_x509_certificate(cert.dump()).subject.rfc4514_string()
    except ValueError:
        return _fail("signer certificate is not a parseable X.509 certificate", algorithm=algorithm, when=when)
    try:
        actual = hashlib.new(digest_name, content).digest()
        intact, valid = validate_sig_integrity(signer_info, cert, "data", actual)
    except Exception as exc:  # unsupported algorithm, malformed attributes
        return _fail(f"signature could not be verified ({type(exc).__name__}: {exc})", signer=signer,
                     algorithm=algorithm, when=when)
    if not intact:
        return _fail("content modified after signing: digest does not match the signed digest",
                     signer=signer, algorithm=algorithm, when=when)
    if not valid:
        return _fail("signature value does not verify with the signer certificate's key",
                     signer=signer, algorithm=algorithm, when=when)
    return SignatureCheck(True, True, f"integrity valid; signer = {signer}; {TRUST_NOTE}", signer,
                          algorithm, when)
