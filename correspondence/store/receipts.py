"""Receipts: files attached to a dispatch (PEC receipts, scans of return cards, provider certificates).

A receipt is stored exactly as received (blob = original bytes, row = SHA-256 + what was parsed from it).
The same bytes for the same dispatch are the same receipt: a second upload returns the first record, also
under concurrency (per-dispatch lock + unique constraint + re-select). A receipt and the event it proves are
committed together, or neither is; an event the history cannot allow is refused (IllegalTransition).
"""
from __future__ import annotations

import hashlib
import uuid
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..dispatch.model import Channel, DispatchEvent
from ..dispatch.pec import PecReceipt
from ..errors import InputError
from .blobs import BlobStore
from .dispatches import lock, normalise_message_id, record_event, refresh_cache, sharing_message_id
from .models import Dispatch, Receipt

FILE_KINDS = ("pec", "return_card", "provider_certificate", "other")


def get_receipt(session: Session, tenant_id: uuid.UUID, receipt_id: uuid.UUID) -> Optional[Receipt]:
    return session.scalar(select(Receipt).where(Receipt.id == receipt_id, Receipt.tenant_id == tenant_id))


def _existing(session: Session, dispatch: Dispatch, sha256: str) -> Optional[Receipt]:
    return session.scalar(select(Receipt).where(Receipt.dispatch_id == dispatch.id, Receipt.sha256 == sha256))


def _refs(parsed: PecReceipt) -> list[str]:
    """Message-IDs the receipt refers to: the daticert msgid (inside the signed part) first, then the
    X-Riferimento-Message-ID header (outside it). If both exist they must agree."""
    refs: list[str] = []
    for value in (parsed.msgid, parsed.reference_message_id):
        if value:
            try:
                ref = normalise_message_id(value)
            except InputError:
                continue
            if ref not in refs:
                refs.append(ref)
    if parsed.msgid and parsed.reference_message_id and len(refs) > 1:
        raise InputError("file", f"X-Riferimento-Message-ID {refs[1]} disagrees with the certified msgid {refs[0]}")
    return refs


def dispatch_for_pec(session: Session, tenant_id: uuid.UUID, parsed: PecReceipt) -> Dispatch:
    """The tenant's dispatch a PEC receipt refers to (daticert msgid, else X-Riferimento-Message-ID)."""
    return dispatches_for_pec(session, tenant_id, parsed)[0]


def dispatches_for_pec(session: Session, tenant_id: uuid.UUID, parsed: PecReceipt) -> list[Dispatch]:
    """The tenant's dispatches a PEC receipt concerns: those of the message it refers to (daticert msgid,
    else X-Riferimento-Message-ID) whose recipient it names. A per-recipient receipt (consegna, errore)
    names one recipient in daticert `consegna` (DM 2/11/2005: one receipt per recipient); an accettazione
    covers every addressee of the message."""
    for ref in _refs(parsed):
        found = sharing_message_id(session, tenant_id, ref)
        if not found:
            continue
        named = {a.strip().lower() for a in parsed.applies_to}
        if parsed.delivery_address:
            found = [d for d in found if d.recipient.strip().lower() in named]
            if not found:
                raise InputError("file", f"the receipt concerns recipient {parsed.delivery_address}, which no "
                                         f"dispatch of Message-ID {ref} is addressed to")
            return found
        return [d for d in found if d.recipient.strip().lower() in named] or found
    shown = parsed.reference_message_id or parsed.msgid or "(none)"
    raise InputError("file", f"no dispatch has the Message-ID this receipt refers to: {shown}")


def check_pec_matches(dispatch: Dispatch, parsed: PecReceipt) -> None:
    """Refuse a PEC receipt that is not about this dispatch (other message, other recipient, not a receipt)."""
    if dispatch.channel != Channel.pec.value:
        raise InputError("file", f"a PEC receipt cannot belong to a {dispatch.channel} dispatch")
    if not parsed.is_receipt:
        raise InputError("file", f"this is a PEC {parsed.kind} message, not a receipt")
    refs = _refs(parsed)
    if dispatch.message_id not in refs:
        raise InputError("file", f"the receipt refers to Message-ID {refs[0] if refs else '(none)'}, "
                                 f"this dispatch's is {dispatch.message_id}")
    if parsed.delivery_address and parsed.delivery_address.strip().lower() != dispatch.recipient.strip().lower():
        raise InputError("file", f"the receipt concerns recipient {parsed.delivery_address}, "
                                 f"this dispatch is to {dispatch.recipient}")


def pec_details(parsed: PecReceipt) -> dict[str, Any]:
    return {
        "pec_kind": parsed.kind, "error": parsed.error, "error_detail": parsed.error_detail,
        "gestore": parsed.gestore, "timestamp": parsed.timestamp.isoformat() if parsed.timestamp else None,
        "msgid": parsed.msgid, "reference_message_id": parsed.reference_message_id,
        "identificativo": parsed.identificativo, "delivery_address": parsed.delivery_address,
        "recipients": [{"address": r.address, "kind": r.kind} for r in parsed.recipients],
        "variant": parsed.variant, "has_original": parsed.has_original,
        "signature": {"present": parsed.signature.present, "valid": parsed.signature.valid,
                      "reason": parsed.signature.reason, "signer": parsed.signature.signer},
        "warnings": list(parsed.warnings),
    }


def attach_pec(session: Session, blobs: BlobStore, dispatch: Dispatch, data: bytes, parsed: PecReceipt, *,
               filename: str, media_type: str = "message/rfc822") -> tuple[Receipt, bool]:
    """Store a PEC receipt and the event it proves. Unsigned or tampered receipts are stored but flagged,
    and their event is untrusted: it never moves the dispatch (the state machine ignores it)."""
    check_pec_matches(dispatch, parsed)
    reasons = [] if parsed.trusted else [f"not trusted: {parsed.signature.reason}"]
    reasons.extend(parsed.warnings)
    return attach(session, blobs, dispatch, data, kind="pec", media_type=media_type, filename=filename,
                  details=pec_details(parsed), signature_present=parsed.signature.present,
                  signature_valid=parsed.signature.valid, flag_reason="; ".join(reasons) or None,
                  event=parsed.to_event())


def attach(session: Session, blobs: BlobStore, dispatch: Dispatch, data: bytes, *, kind: str, media_type: str,
           filename: str, details: dict[str, Any] | None = None, signature_present: bool | None = None,
           signature_valid: bool | None = None, flag_reason: str | None = None,
           event: DispatchEvent | None = None) -> tuple[Receipt, bool]:
    """Store the file (blob first), then the receipt row and its event in one locked transaction."""
    if kind not in FILE_KINDS:
        raise InputError("kind", f"must be one of {', '.join(FILE_KINDS)}")
    sha256 = hashlib.sha256(data).hexdigest()
    existing = _existing(session, dispatch, sha256)
    if existing is not None:
        return existing, False
    blobs.put_bytes(data)
    try:
        lock(session, dispatch)
        existing = _existing(session, dispatch, sha256)
        if existing is not None:  # an identical upload committed while we waited for the lock
            session.rollback()
            return existing, False
        receipt = Receipt(tenant_id=dispatch.tenant_id, dispatch_id=dispatch.id, kind=kind, media_type=media_type,
                          filename=filename[:255] or "receipt", sha256=sha256, size=len(data),
                          signature_present=signature_present, signature_valid=signature_valid,
                          flagged=flag_reason is not None, flag_reason=flag_reason, details=details or {})
        session.add(receipt)
        session.flush()
        if event is not None:
            details_event = dict(event.details)
            details_event.setdefault("receipt_sha256", sha256)
            event = DispatchEvent(event.type, event.occurred_at, event.source, event.trusted, details_event)
            record_event(session, dispatch, event, receipt_id=receipt.id)
        refresh_cache(session, dispatch)
        session.commit()
        return receipt, True
    except IntegrityError:
        session.rollback()
        existing = _existing(session, dispatch, sha256)
        if existing is None:
            raise
        return existing, False
    except BaseException:
        session.rollback()
        raise


__all__ = ["FILE_KINDS", "attach", "attach_pec", "dispatch_for_pec", "dispatches_for_pec", "get_receipt"]
