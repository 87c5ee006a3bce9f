"""Receipts, persisted: files attached to a dispatch (PEC receipts, scans of return cards, provider
certificates), stored exactly as received (blob = original bytes, row = SHA-256 + what was parsed from it).

The same bytes for the same dispatch are the same receipt (unique constraint). The use case that attaches
one, validates it and owns the transaction is `casework.receipts.attach_receipt`.
"""
from __future__ import annotations

import uuid
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Dispatch, Receipt

FILE_KINDS = ("pec", "return_card", "provider_certificate", "other")


def get_receipt(session: Session, tenant_id: uuid.UUID, receipt_id: uuid.UUID) -> Optional[Receipt]:
    return session.scalar(select(Receipt).where(Receipt.id == receipt_id, Receipt.tenant_id == tenant_id))


def existing_receipt(session: Session, dispatch: Dispatch, sha256: str) -> Optional[Receipt]:
    return session.scalar(select(Receipt).where(Receipt.dispatch_id == dispatch.id, Receipt.sha256 == sha256))


def add_receipt(session: Session, dispatch: Dispatch, *, kind: str, media_type: str, filename: str,
                sha256: str, size: int, details: dict[str, Any] | None = None,
                signature_present: bool | None = None, signature_valid: bool | None = None,
                flag_reason: str | None = None) -> Receipt:
    """Insert the receipt row (its blob is already stored); flushes, does not commit."""
    receipt = Receipt(tenant_id=dispatch.tenant_id, dispatch_id=dispatch.id, kind=kind, media_type=media_type,
                      filename=filename[:255] or "receipt", sha256=sha256, size=size,
                      signature_present=signature_present, signature_valid=signature_valid,
                      flagged=flag_reason is not None, flag_reason=flag_reason, details=details or {})
    session.add(receipt)
    session.flush()
    return receipt


__all__ = ["FILE_KINDS", "add_receipt", "existing_receipt", "get_receipt"]
