"""Is this file really a signed version of that one?

PAdES signs by appending an incremental update (ISO 32000-1 §7.5.6, ETSI EN 319 142-1): the signed file
begins with the original's bytes, and the signature's /ByteRange covers at least them. So a file is the
signed version of an original when (1) it begins with the original byte for byte, (2) one of its
signatures is intact and cryptographically valid, (3) that signature's signed revision covers the whole
original, and (4) nothing changed after it but what a signature may add (pyHanko's difference analysis).
Trust in the signer is a separate question (`verify`): a firm's own key need not chain to a public root.
"""
from __future__ import annotations

import io

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from ..errors import EvidenceRefused
from . import trust
from .sync import run_sync

FIELD = "signed_from"


class NotSignedVersion(EvidenceRefused):
    """The uploaded file is not a valid signed version of the document named by `signed_from`."""

    def __init__(self, reason: str) -> None:
        super().__init__(FIELD, f"the file is not a signed version of that document: {reason}")


async def _covering_signature(signed: bytes, original_length: int) -> str | None:
    """None when a signature covers the original and holds; else why not."""
    try:
        reader = PdfFileReader(io.BytesIO(signed), strict=False)
        embedded = reader.embedded_signatures
    except Exception as exc:  # pyHanko/asn1crypto raise many types on damaged files
        return f"unreadable PDF or signature ({type(exc).__name__})"
    if not embedded:
        return "it has no PAdES signature"
    reason = "no signature covers the whole original"
    for emb in embedded:
        try:
            start, first, second, length = (int(v) for v in emb.byte_range)
            if start != 0 or second + length < original_length or first < original_length:
                continue  # this signature's revision does not contain the whole original
            # integrity and coverage are what count here, not trust: the system roots, named explicitly,
            # and nothing fetched over the network while an upload is being checked
            status = await async_validate_pdf_signature(
                emb, ValidationContext(**trust.context_kwargs((), allow_fetching=False)))
        except Exception as exc:
            reason = f"a signature is damaged ({type(exc).__name__})"
            continue
        if not status.intact:
            reason = "the signed bytes were altered after signing (digest mismatch)"
        elif not status.valid:
            reason = "the signature value does not verify"
        elif status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
            reason = "the signature does not cover its whole revision"
        elif status.modification_level is ModificationLevel.OTHER or status.docmdp_ok is False:
            reason = "the document was modified after signing"
        else:
            return None
    return reason


def check_signed_version(original: bytes, signed: bytes) -> None:
    """Raise `NotSignedVersion` unless `signed` is a valid PAdES-signed version of `original` (module doc)."""
    if not original.lstrip()[:5] == b"%PDF-":
        raise NotSignedVersion("only a PDF is signed with PAdES, and the original is not a PDF")
    if not signed.startswith(original) or len(signed) == len(original):
        raise NotSignedVersion("it does not begin with the original's bytes followed by a signature "
                               "(PAdES appends the signature to the unchanged original)")
    tail = signed[signed.rfind(b"%%EOF") + 5:] if b"%%EOF" in signed else b"x"
    if tail.strip(b"\r\n\t \x00"):
        raise NotSignedVersion("bytes were appended after the signed end of file (%%EOF)")
    problem = run_sync(_covering_signature(signed, len(original)))
    if problem is not None:
        raise NotSignedVersion(problem)
