"""Verification of signed PDFs: integrity, trust, revocation, later modifications and PAdES level.

pyHanko's validator never raises for a bad signature; it fills a status object. This module turns each
status into a list of problems so that "valid" means: every signature intact, cryptographically valid,
trusted, not revoked, and no disallowed change after it.
"""
from __future__ import annotations

import enum
import io
from datetime import datetime
from typing import Optional, Sequence

from asn1crypto import x509
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation import (
    DocumentSecurityStore, async_validate_pdf_signature, async_validate_pdf_timestamp)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import (
    DocumentTimestampStatus, ModificationInfo, PdfSignatureStatus, SignatureCoverageLevel, SignatureStatus)
from pyhanko_certvalidator import ValidationContext

from ..errors import InputError
from . import trust
from .sync import run_sync
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
        indic = status.trust_problem_indic  # every AdESSubIndic is an enum member
        indic_name = indic.name if isinstance(indic, enum.Enum) else None
        text = _INDIC.get(indic_name) if indic_name else None
        if text is None:  # generic indication: say at least what can be seen offline
            text = trust.date_problem(status.signing_cert)
        if text and what != "signer certificate":
            text = text.replace("signer certificate", what)
        problems.append(text or f"{what} not trusted ({indic_name or 'no validation path'})")
    return problems


def _fill_common(report: SignatureReport, status: SignatureStatus) -> None:
    report.intact, report.valid = bool(status.intact), bool(status.valid)
    report.trusted, report.revoked = bool(status.trusted), bool(status.revoked)


def _modification_problems(status: ModificationInfo) -> list[str]:
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


class _Contexts:
    """Validation contexts for one document (system or given roots + the document's DSS), closed together."""

    def __init__(self, reader: PdfFileReader, roots: Sequence[x509.Certificate], *, allow_fetching: bool,
                 timeout: float) -> None:
        self.roots, self.allow_fetching, self.timeout = roots, allow_fetching, timeout
        self.dss: Optional[DocumentSecurityStore]
        try:
            self.dss = DocumentSecurityStore.read_dss(reader)
        except NoDSSFoundError:
            self.dss = None
        self.has_revinfo = bool(self.dss is not None and (list(self.dss.ocsps) or list(self.dss.crls)))
        self._cache: dict[tuple[bool, Optional[datetime], bool], ValidationContext] = {}

    def get(self, *, hard: bool, moment: Optional[datetime] = None, past: bool = False) -> ValidationContext:
        key = (hard, moment, past)
        if key not in self._cache:
            kwargs = trust.context_kwargs(self.roots, allow_fetching=self.allow_fetching, timeout=self.timeout,
                                          revocation_mode="hard-fail" if hard else "soft-fail")
            if moment is not None:
                kwargs["moment"] = moment
            if past:  # revocation data gathered at signing time vouches for the (slightly earlier) timestamp
                kwargs["retroactive_revinfo"] = True
            self._cache[key] = (self.dss.as_validation_context(kwargs) if self.dss is not None
                                else ValidationContext(**kwargs))
        return self._cache[key]

    async def aclose(self) -> None:
        for vc in self._cache.values():
            await vc.aclose()


def _timestamp_problems(status: PdfSignatureStatus) -> list[str]:
    ts = status.timestamp_validity
    if ts is None:
        return []
    return ["signature timestamp: " + p for p in cert_problems(ts, "timestamp authority certificate")]


async def _check_signature(emb: EmbeddedPdfSignature, ctx: _Contexts, at: Optional[datetime],
                           entry: SignatureReport) -> tuple[PdfSignatureStatus, list[str]]:
    """Validate now (or at `at`); a long-term signature that fails only because time has passed is
    validated again as of its trusted timestamp, with the revocation data embedded when it was signed."""
    now_vc = ctx.get(hard=ctx.has_revinfo, moment=at)
    status = await async_validate_pdf_signature(emb, signer_validation_context=now_vc,
                                                ts_validation_context=ctx.get(hard=False, moment=at),
                                                key_usage_settings=KEY_USAGE)
    problems = cert_problems(status) + _timestamp_problems(status)
    ts = status.timestamp_validity
    if problems and ctx.has_revinfo and status.intact and status.valid and ts is not None and ts.intact \
            and ts.valid and not status.revoked:
        when = ts.timestamp
        past_vc = ctx.get(hard=True, moment=when, past=True)
        past = await async_validate_pdf_signature(emb, signer_validation_context=past_vc,
                                                  ts_validation_context=past_vc, key_usage_settings=KEY_USAGE)
        if not (cert_problems(past) + _timestamp_problems(past)):
            entry.validated_at = when
            entry.notes.append(f"valid as of its timestamp ({when:%Y-%m-%d %H:%M} UTC) with the revocation data "
                               f"embedded in the document; checked at the validation time: {'; '.join(problems)}")
            return past, []
    return status, problems


async def _check_doc_timestamp(emb: EmbeddedPdfSignature, ctx: _Contexts, at: Optional[datetime],
                               entry: SignatureReport) -> tuple[DocumentTimestampStatus, list[str]]:
    status = await async_validate_pdf_timestamp(emb, validation_context=ctx.get(hard=False, moment=at))
    problems = cert_problems(status, "timestamp authority certificate")
    if problems and ctx.has_revinfo and status.intact and status.valid and not status.revoked:
        past = await async_validate_pdf_timestamp(
            emb, validation_context=ctx.get(hard=False, moment=status.timestamp, past=True))
        if not cert_problems(past, "timestamp authority certificate"):
            entry.validated_at = status.timestamp
            entry.notes.append("valid as of its own time only: renew the archival timestamp chain (renew-lta); "
                               f"checked at the validation time: {'; '.join(problems)}")
            return past, []
    return status, problems


async def async_verify_pdf(
    data: bytes,
    trust_roots: Sequence[TrustSource] = (),
    *,
    allow_fetching: bool = True,
    timeout: float = 10.0,
    at: Optional[datetime] = None,
) -> VerificationReport:
    """Verify every signature and document timestamp in a PDF.

    `trust_roots` are PEM/DER files or bytes; without them the system trust store is used.
    With `allow_fetching=False` only revocation data embedded in the document (B-LT/B-LTA) counts.
    `at` sets the validation time (default: now), e.g. to check how a document will verify in future.
    """
    report = VerificationReport(file_type="pdf")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise InputError("pdf", f"unreadable PDF: {exc}") from None
    try:
        embedded = reader.embedded_signatures
    except PdfReadError as exc:
        raise InputError("pdf", f"unreadable PDF: {exc}") from None
    except Exception as exc:  # a damaged signature dictionary or CMS found while listing the signatures
        report.problems.append(f"a signature is damaged ({_damage(exc)})")
        return report
    if not embedded:
        report.problems.append("the document has no signatures")
        return report
    if _appended_after_eof(data):
        report.problems.append("bytes were appended after the end of the signed file (%%EOF): the signatures do "
                               "not cover the whole document (modified after signing)")
    ctx = _Contexts(reader, trust.load_trust_roots(trust_roots), allow_fetching=allow_fetching, timeout=timeout)
    try:
        last_doc_ts_revision = max((e.signed_revision for e in embedded
                                    if e.sig_object_type == "/DocTimeStamp"), default=-1)
        for emb in embedded:
            try:
                await _check_one(emb, ctx, at, last_doc_ts_revision, report)
            except Exception as exc:  # asn1crypto/pyHanko raise many types on a damaged CMS: all mean damaged
                report.problems.append(f"signature {emb.field_name or '(unnamed)'} is damaged ({_damage(exc)})")
    finally:
        await ctx.aclose()
    return report


def _damage(exc: Exception) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"


def _appended_after_eof(data: bytes) -> bool:
    """Anything but whitespace after the last %%EOF is outside every signed byte range (pdfsig: "not total
    document signed"); an incremental update would end with its own %%EOF."""
    end = data.rfind(b"%%EOF")
    return end >= 0 and bool(data[end + 5:].strip(b"\r\n\t \x00"))


async def _check_one(emb: EmbeddedPdfSignature, ctx: _Contexts, at: Optional[datetime], last_doc_ts_revision: int,
                     report: VerificationReport) -> None:
    """One signature or document timestamp into `report` (raises on a damaged CMS)."""
    cert = emb.signer_cert
    entry = SignatureReport(
        kind="document-timestamp" if emb.sig_object_type == "/DocTimeStamp" else "signature",
        field=emb.field_name, signer=trust.common_name(cert),
        signer_subject=cert.subject.human_friendly, issuer=cert.issuer.human_friendly)
    status: PdfSignatureStatus | DocumentTimestampStatus
    if entry.kind == "document-timestamp":
        status, problems = await _check_doc_timestamp(emb, ctx, at, entry)
        entry.timestamp = status.timestamp
    else:
        status, problems = await _check_signature(emb, ctx, at, entry)
        entry.signing_time = status.signer_reported_dt
        ts = status.timestamp_validity
        entry.timestamp = ts.timestamp if ts is not None else None
        level = "B-T" if ts is not None else "B-B"
        if ts is not None and ctx.has_revinfo:
            level = "B-LTA" if last_doc_ts_revision > emb.signed_revision else "B-LT"
        entry.level = level
        docmdp = emb.docmdp_level
        if docmdp is not None:
            entry.certification = docmdp.name.lower().replace("_", "-")
    _fill_common(entry, status)
    entry.problems.extend(problems)
    entry.coverage = status.coverage.name.lower().replace("_", " ") if status.coverage else None
    if status.modification_level is not None:
        entry.modification = status.modification_level.name.lower().replace("_", " ")
    entry.problems.extend(_modification_problems(status))
    report.signatures.append(entry)


def verify_pdf(data: bytes, trust_roots: Sequence[TrustSource] = (), *, allow_fetching: bool = True,
               timeout: float = 10.0, at: Optional[datetime] = None) -> VerificationReport:
    """Synchronous `async_verify_pdf`."""
    return run_sync(async_verify_pdf(data, trust_roots, allow_fetching=allow_fetching, timeout=timeout, at=at))
