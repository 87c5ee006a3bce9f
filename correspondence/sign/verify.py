"""Verification of signed PDFs: integrity, trust, revocation, later modifications and PAdES level.

pyHanko's validator never raises for a bad signature; it fills a status object. This module turns each
status into a list of problems so that "valid" means: every signature intact, cryptographically valid,
trusted, not revoked, and no disallowed change after it.
"""
from __future__ import annotations

import io
from typing import Sequence

from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation import (
    DocumentSecurityStore, async_validate_pdf_signature, async_validate_pdf_timestamp)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel, SignatureStatus
from pyhanko_certvalidator import ValidationContext

from ..errors import InputError
from . import trust
from .keys import run_sync
from .options import TrustSource
from .report import SignatureReport, VerificationReport

KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)

_INDIC = {
    "REVOKED": "signer certificate is revoked",
    "REVOKED_NO_POE": "signer certificate is revoked",
    "EXPIRED": "signer certificate has expired",
    "OUT_OF_BOUNDS_NO_POE": "signer certificate has expired or is not yet valid",
    "OUT_OF_BOUNDS_NOT_REVOKED": "signer certificate has expired or is not yet valid",
    "NOT_YET_VALID": "signer certificate is not yet valid",
    "NO_CERTIFICATE_CHAIN_FOUND": "no chain to a trusted root (pass the root with --trust)",
    "CHAIN_CONSTRAINTS_FAILURE": "certificate chain violates its constraints",
    "TRY_LATER": "revocation status unavailable",
    "SIG_CONSTRAINTS_FAILURE": "signer certificate not allowed to sign (key usage)",
}


def cert_problems(status: SignatureStatus, what: str = "signer certificate") -> list[str]:
    """Problems in a pyHanko status shared by PDF signatures, timestamps and CAdES."""
    problems = []
    if not status.intact:
        problems.append("signed content was altered (digest mismatch)")
    elif not status.valid:
        problems.append("cryptographic signature is invalid")
    if status.revoked:
        details = status.revocation_details
        when = getattr(details, "revocation_date", None)
        problems.append(f"{what} is revoked" + (f" since {when:%Y-%m-%d %H:%M} UTC" if when else ""))
    elif status.intact and status.valid and not status.trusted:
        indic = status.trust_problem_indic
        text = _INDIC.get(indic.name) if indic else None
        if text is None:  # generic indication: say at least what can be seen offline
            text = trust.date_problem(status.signing_cert)
        if text and what != "signer certificate":
            text = text.replace("signer certificate", what)
        problems.append(text or f"{what} not trusted ({indic.name if indic else 'no validation path'})")
    return problems


def _fill_common(report: SignatureReport, status: SignatureStatus) -> None:
    report.intact, report.valid = bool(status.intact), bool(status.valid)
    report.trusted, report.revoked = bool(status.trusted), bool(status.revoked)


def _modification_problems(status) -> list[str]:
    problems = []
    if status.coverage is not None and status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        problems.append("signature does not cover its whole revision")
    level = status.modification_level
    if level is not None and status.docmdp_ok is False:
        problems.append(f"document was modified after signing in a way the signature does not permit "
                        f"({level.name.lower().replace('_', ' ')})")
    elif level is not None and level is ModificationLevel.OTHER:
        problems.append("document was modified after signing (content changed)")
    return problems


def _dss_context(reader: PdfFileReader, kwargs: dict) -> tuple[ValidationContext, bool]:
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return ValidationContext(**kwargs), False
    has_revinfo = bool(list(dss.ocsps) or list(dss.crls))
    return dss.as_validation_context(kwargs), has_revinfo


async def async_verify_pdf(
    data: bytes,
    trust_roots: Sequence[TrustSource] = (),
    *,
    allow_fetching: bool = True,
    timeout: float = 10.0,
) -> VerificationReport:
    """Verify every signature and document timestamp in a PDF.

    `trust_roots` are PEM/DER files or bytes; without them the system trust store is used.
    With `allow_fetching=False` only revocation data embedded in the document (B-LT/B-LTA) counts.
    """
    report = VerificationReport(file_type="pdf")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError) as exc:
        raise InputError("pdf", f"unreadable PDF: {exc}") from None
    if not embedded:
        report.problems.append("the document has no signatures")
        return report
    roots = trust.load_trust_roots(trust_roots)
    kwargs = trust.context_kwargs(roots, allow_fetching=allow_fetching, timeout=timeout,
                                  revocation_mode="soft-fail")
    vc, dss_revinfo = _dss_context(reader, kwargs)
    if dss_revinfo:
        kwargs_hard = trust.context_kwargs(roots, allow_fetching=allow_fetching, timeout=timeout,
                                           revocation_mode="hard-fail")
        vc_lt, _ = _dss_context(reader, kwargs_hard)
    else:
        vc_lt = vc
    try:
        last_doc_ts_revision = max((e.signed_revision for e in embedded
                                    if e.sig_object_type == "/DocTimeStamp"), default=-1)
        for emb in embedded:
            cert = emb.signer_cert
            entry = SignatureReport(
                kind="document-timestamp" if emb.sig_object_type == "/DocTimeStamp" else "signature",
                field=emb.field_name, signer=trust.common_name(cert),
                signer_subject=cert.subject.human_friendly, issuer=cert.issuer.human_friendly)
            if entry.kind == "document-timestamp":
                status = await async_validate_pdf_timestamp(emb, validation_context=vc)
                _fill_common(entry, status)
                entry.timestamp = status.timestamp
                entry.problems.extend(cert_problems(status, "timestamp authority certificate"))
            else:
                status = await async_validate_pdf_signature(
                    emb, signer_validation_context=vc_lt if dss_revinfo else vc, ts_validation_context=vc,
                    key_usage_settings=KEY_USAGE)
                _fill_common(entry, status)
                entry.signing_time = status.signer_reported_dt
                ts = status.timestamp_validity
                if ts is not None:
                    entry.timestamp = ts.timestamp
                    entry.problems.extend("signature timestamp: " + p
                                          for p in cert_problems(ts, "timestamp authority certificate"))
                level = "B-T" if ts is not None else "B-B"
                if ts is not None and dss_revinfo:
                    level = "B-LTA" if last_doc_ts_revision > emb.signed_revision else "B-LT"
                entry.level = level
                docmdp = emb.docmdp_level
                if docmdp is not None:
                    entry.certification = docmdp.name.lower().replace("_", "-")
                entry.problems.extend(cert_problems(status))
            entry.coverage = status.coverage.name.lower().replace("_", " ") if status.coverage else None
            if status.modification_level is not None:
                entry.modification = status.modification_level.name.lower().replace("_", " ")
            entry.problems.extend(_modification_problems(status))
            report.signatures.append(entry)
    finally:
        await vc.aclose()
        if vc_lt is not vc:
            await vc_lt.aclose()
    return report


def verify_pdf(data: bytes, trust_roots: Sequence[TrustSource] = (), *, allow_fetching: bool = True,
               timeout: float = 10.0) -> VerificationReport:
    """Synchronous `async_verify_pdf`."""
    return run_sync(async_verify_pdf(data, trust_roots, allow_fetching=allow_fetching, timeout=timeout))


def verify_file(data: bytes, trust_roots: Sequence[TrustSource] = (), *, allow_fetching: bool = True,
                timeout: float = 10.0) -> VerificationReport:
    """Verify a signed PDF or a CAdES .p7m, told apart by content."""
    if data.lstrip()[:5] == b"%PDF-":
        return verify_pdf(data, trust_roots, allow_fetching=allow_fetching, timeout=timeout)
    from .cades import verify_p7m

    return verify_p7m(data, trust_roots, allow_fetching=allow_fetching, timeout=timeout)


async def async_verify_file(data: bytes, trust_roots: Sequence[TrustSource] = (), *,
                            allow_fetching: bool = True, timeout: float = 10.0) -> VerificationReport:
    if data.lstrip()[:5] == b"%PDF-":
        return await async_verify_pdf(data, trust_roots, allow_fetching=allow_fetching, timeout=timeout)
    from .cades import async_verify_p7m

    return await async_verify_p7m(data, trust_roots, allow_fetching=allow_fetching, timeout=timeout)

