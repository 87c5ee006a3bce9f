"""Verify any signed file, a PDF (PAdES) or a CAdES .p7m, told apart by content.

Kept apart from `verify` and `cades` so that neither imports the other's caller (no import circle).
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional, Sequence

from .cades import async_verify_p7m, verify_p7m
from .options import TrustSource
from .report import VerificationReport
from .verify import async_verify_pdf, verify_pdf


def verify_file(data: bytes, trust_roots: Sequence[TrustSource] = (), *, allow_fetching: bool = True,
                timeout: float = 10.0, at: Optional[datetime] = None) -> VerificationReport:
    """Verify a signed PDF or a CAdES .p7m, told apart by content (`at` applies to PDFs)."""
    if data.lstrip()[:5] == b"%PDF-":
        return verify_pdf(data, trust_roots, allow_fetching=allow_fetching, timeout=timeout, at=at)
    return verify_p7m(data, trust_roots, allow_fetching=allow_fetching, timeout=timeout)


async def async_verify_file(data: bytes, trust_roots: Sequence[TrustSource] = (), *,
                            allow_fetching: bool = True, timeout: float = 10.0,
                            at: Optional[datetime] = None) -> VerificationReport:
    if data.lstrip()[:5] == b"%PDF-":
        return await async_verify_pdf(data, trust_roots, allow_fetching=allow_fetching, timeout=timeout, at=at)
    return await async_verify_p7m(data, trust_roots, allow_fetching=allow_fetching, timeout=timeout)

