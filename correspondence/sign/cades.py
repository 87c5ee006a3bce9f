"""CAdES-BES enveloping signatures (.p7m) for any file: the Italian form for signed PEC attachments."""
from __future__ import annotations

import base64
import hashlib
import binascii
from datetime import datetime, timezone
from typing import Optional, Sequence

from asn1crypto import cms, pem
from pyhanko.sign import timestamps
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation import async_validate_cms_signature
from pyhanko.sign.validation.generic_cms import collect_timing_info
from pyhanko.sign.validation.status import StandardCMSSignatureStatus

from ..errors import InputError
from . import trust
from .keys import SigningKey
from .sync import run_sync
from .options import SignOptions, TrustSource
from .report import SignatureReport, VerificationReport
from .verify import KEY_USAGE, cert_problems


async def async_sign_p7m(key: SigningKey, data: bytes, options: Optional[SignOptions] = None) -> bytes:
    """Wrap `data` in a DER CAdES-BES SignedData (SHA-256, signing-certificate-v2, content inside);
    with a timestamp level (B-T and up) and a TSA, CAdES-T. Revocation data is not embedded in a .p7m."""
    options = options or SignOptions()
    await key.ensure_valid(options)
    http = trust.HttpSession()
    tsa = timestamps.HTTPTimeStamper(options.tsa_url, timeout=int(max(1, options.timeout)), session=http) \
        if options.level.needs_timestamp else None  # CAdES-T: signature timestamp as unsigned attribute
    try:
        signed = await key.signer.async_sign_general_data(
            data, "sha256", detached=False, use_cades=True, timestamper=tsa,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=datetime.now(timezone.utc)))
    except TimestampRequestError as exc:
        raise InputError("tsa_url", f"timestamp authority {options.tsa_url} failed: {exc.__cause__ or exc}") \
            from None
    except Exception as exc:
        if exc.__class__.__module__.startswith("pkcs11"):
            raise InputError("pkcs11", f"token refused to sign: {exc.__class__.__name__} {exc}") from None
        raise
    finally:
        await http.close()
    der: bytes = signed.dump()
    return der


def sign_p7m(key: SigningKey, data: bytes, options: Optional[SignOptions] = None) -> bytes:
    return run_sync(async_sign_p7m(key, data, options))


def parse_p7m(data: bytes) -> cms.SignedData:
    """Accept DER, PEM or bare base64 (all three circulate in Italian practice)."""
    raw = data
    if pem.detect(data):
        _, _, raw = pem.unarmor(data)
    elif not data[:1] == b"\x30":
        try:
            raw = base64.b64decode(b"".join(data.split()), validate=True)
        except (binascii.Error, ValueError):
            raise InputError("p7m", "not a CMS/PKCS#7 file (DER, PEM or base64)") from None
    try:
        info = cms.ContentInfo.load(raw)
        if info["content_type"].native != "signed_data":
            raise ValueError(info["content_type"].native)
        signed = info["content"]
        signed["signer_infos"].native  # parse now, fail here
        return signed
    except Exception:
        raise InputError("p7m", "not a CMS SignedData structure") from None


def extract_p7m(data: bytes) -> bytes:
    """The enveloped content (e.g. the original .docx), without checking the signature."""
    content = parse_p7m(data)["encap_content_info"]["content"]
    if content.native is None:
        raise InputError("p7m", "detached signature: the file does not contain the signed content")
    return content.native if isinstance(content.native, bytes) else content.contents


async def async_verify_p7m(
    data: bytes,
    trust_roots: Sequence[TrustSource] = (),
    *,
    allow_fetching: bool = True,
    timeout: float = 10.0,
) -> VerificationReport:
    """Verify each signer of a .p7m; `report.content` holds the signed content."""
    signed = parse_p7m(data)
    report = VerificationReport(file_type="p7m")
    try:
        content = extract_p7m(data)
    except InputError as exc:
        report.problems.append(exc.reason)
        return report
    report.content = content
    roots = trust.load_trust_roots(trust_roots)
    vc = trust.validation_context(roots, allow_fetching=allow_fetching, timeout=timeout)
    try:
        status = await async_validate_cms_signature(
            signed, status_cls=StandardCMSSignatureStatus, validation_context=vc, key_usage_settings=KEY_USAGE,
            status_kwargs=await collect_timing_info(
                signed["signer_infos"][0], ts_validation_context=vc,
                raw_digest=lambda algo: hashlib.new(algo, content).digest()))
    finally:
        await vc.aclose()
    cert = status.signing_cert
    entry = SignatureReport(kind="cades", field=None, signer=trust.common_name(cert),
                            signer_subject=cert.subject.human_friendly, issuer=cert.issuer.human_friendly,
                            signing_time=status.signer_reported_dt,
                            intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
                            revoked=bool(status.revoked))
    entry.problems.extend(cert_problems(status))
    ts = status.timestamp_validity
    if ts is not None:
        entry.timestamp = ts.timestamp
        entry.level = "CAdES-T"
        entry.problems.extend("signature timestamp: " + p for p in cert_problems(ts, "timestamp authority certificate"))
    else:
        entry.level = "CAdES-BES"
    if len(signed["signer_infos"]) > 1:
        report.problems.append("only the first of several signers was checked")
    report.signatures.append(entry)
    return report


def verify_p7m(data: bytes, trust_roots: Sequence[TrustSource] = (), *, allow_fetching: bool = True,
               timeout: float = 10.0) -> VerificationReport:
    return run_sync(async_verify_p7m(data, trust_roots, allow_fetching=allow_fetching, timeout=timeout))
