"""Check of the gestore's S/MIME (multipart/signed, detached CMS) signature on a PEC message.

The signed content comes from `mime.split_signed`: cut once from the original bytes by exact boundary
lines and canonicalised to CRLF (RFC 8551 §3.1.1); the same bytes are what `pec` then parses, so the data
read is the data signed. The digest is checked against the CMS signed attributes and the signature value
with the embedded certificate (pyHanko's `validate_sig_integrity`); then `providers.check_signer` decides
whether that certificate is an accredited PEC provider's, chained to the AgID/DigitPA PEC CA at the
signing time (art. 14 DPR 68/2005). `valid` = integrity; `trusted` = integrity and accredited signer.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.sign.validation.generic_cms import validate_sig_integrity

from .mime import SignedParts
from .providers import TrustList, check_signer, load_trust_list


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
    trusted: bool = False
    provider: str | None = None


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
            when: datetime = attr["values"][0].native  # asn1crypto decodes a Time to an aware datetime
            return when
    return None


def _fail(reason: str, present: bool = True, signer: str | None = None, algorithm: str | None = None,
          when: datetime | None = None) -> SignatureCheck:
    return SignatureCheck(present, False, reason, signer, algorithm, when)


def verify_smime(parts: SignedParts | None, trust: TrustList | None = None) -> SignatureCheck:
    """Check the signature over exactly `parts.content`, then whether the signer is trusted."""
    if parts is None:
        return _fail("unsigned: multipart/signed without a pkcs7-signature part", present=False)
    try:
        info = cms.ContentInfo.load(parts.signature_der)
        if info["content_type"].native != "signed_data":
            return _fail("signature part is not a CMS SignedData")
        signed_data = info["content"]
        if len(signed_data["signer_infos"]) != 1:
            return _fail("the CMS must have exactly one signer (the gestore)")
        signer_info = signed_data["signer_infos"][0]
        cert = _find_signer_cert(signed_data, signer_info["sid"])
        others = [c.chosen for c in signed_data["certificates"] or () if c.name == "certificate"]
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
        actual = hashlib.new(digest_name, parts.content).digest()
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
    verdict = check_signer(cert, others, when, trust or load_trust_list())
    return SignatureCheck(True, True, f"integrity valid; signer = {signer}; {verdict.reason}", signer,
                          algorithm, when, True, verdict.trusted, verdict.provider)
