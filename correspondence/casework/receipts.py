"""Use case: attach evidence to a dispatch, a gestore's PEC receipt (.eml as received) or a scan.

A PEC receipt is parsed and verified once (`dispatch.parse_pec_receipt`: strict structure, signature over
the bytes read, accredited signer), tied to the dispatch it names (Message-ID, recipient, not older than
the submission: `dispatch.correlation`) and, when it carries the original's attachments, compared with the
dispatched document. Untrusted or mismatched receipts are kept as evidence, flagged, and their event never
moves the dispatch. The file is stored first, then the receipt row and its event in one locked
transaction; identical bytes give back the first receipt (also under concurrency). Evidence is never
overwritten.
"""
from __future__ import annotations

import hashlib
import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..dispatch import DispatchEvent, PecReceipt, parse_pec_receipt
from ..dispatch.attachments import matches_document
from ..dispatch.providers import TrustList
from ..dispatch.correlation import check_manual_event, check_receipt_matches, receipt_refs
from ..errors import InputError
from ..store import BlobStore
from ..store import dispatches as dispatch_store
from ..store import receipts as store
from ..store.models import Dispatch, Document, Receipt
from .dispatches import find_dispatch
from .webhooks import receipt_events

FILE_KINDS = store.FILE_KINDS


def dispatch_for_pec(session: Session, tenant_id: uuid.UUID, parsed: PecReceipt) -> Dispatch:
    """The tenant's dispatch a PEC receipt refers to (daticert msgid, else X-Riferimento-Message-ID)."""
    return dispatches_for_pec(session, tenant_id, parsed)[0]


def dispatches_for_pec(session: Session, tenant_id: uuid.UUID, parsed: PecReceipt) -> list[Dispatch]:
    """The tenant's dispatches a PEC receipt concerns: those of the message it refers to whose recipient
    it names. One message to several recipients is one dispatch per recipient sharing the Message-ID; a
    per-recipient receipt (consegna, errore) names its recipient in daticert `consegna` (DM 2/11/2005: one
    receipt per recipient), an accettazione covers every addressee."""
    for ref in receipt_refs(parsed):
        found = dispatch_store.sharing_message_id(session, tenant_id, ref)
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


def pec_details(parsed: PecReceipt, matches: bool | None) -> dict[str, Any]:
    sig = parsed.signature
    return {
        "pec_kind": parsed.kind, "error": parsed.error, "error_detail": parsed.error_detail,
        "gestore": parsed.gestore, "timestamp": parsed.timestamp.isoformat() if parsed.timestamp else None,
        "msgid": parsed.msgid, "reference_message_id": parsed.reference_message_id,
        "identificativo": parsed.identificativo, "delivery_address": parsed.delivery_address,
        "recipients": [{"address": r.address, "kind": r.kind} for r in parsed.recipients],
        "variant": parsed.variant, "has_original": parsed.has_original,
        "signature": {"present": sig.present, "valid": sig.valid, "trusted": sig.trusted,
                      "provider": sig.provider, "reason": sig.reason, "signer": sig.signer},
        "attachments": [{"filename": a.filename, "media_type": a.media_type, "sha256": a.sha256,
                         "digest": a.digest} for a in parsed.attachments],
        "matches_document": matches,
        "warnings": list(parsed.warnings),
    }


def attach_pec_receipt(session: Session, blobs: BlobStore, tenant_id: uuid.UUID, dispatch_id: uuid.UUID | None,
                       data: bytes, *, filename: str, max_bytes: int) -> tuple[Receipt, bool]:
    """Attach a PEC receipt to the dispatch `dispatch_id`, or to the ones it names when None (an
    accettazione of a message to several recipients joins each of them; the first is returned)."""
    return attach_pec_receipts(session, blobs, tenant_id, dispatch_id, data, filename=filename,
                               max_bytes=max_bytes)[0]


def attach_pec_receipts(session: Session, blobs: BlobStore, tenant_id: uuid.UUID, dispatch_id: uuid.UUID | None,
                        data: bytes, *, filename: str, max_bytes: int,
                        trust: TrustList | None = None) -> list[tuple[Receipt, bool]]:
    """`attach_pec_receipt` for every dispatch the receipt concerns: [(receipt, created)]."""
    dispatch = find_dispatch(session, tenant_id, dispatch_id) if dispatch_id is not None else None
    parsed = parse_pec_receipt(data, max_bytes=max_bytes, trust=trust)
    dispatches = [dispatch] if dispatch is not None else dispatches_for_pec(session, tenant_id, parsed)
    results = [_attach_pec(session, blobs, d, data, parsed, filename=filename) for d in dispatches]
    receipt_events(session, tenant_id, [r for r, created in results if created])
    return results


def _attach_pec(session: Session, blobs: BlobStore, dispatch: Dispatch, data: bytes, parsed: PecReceipt, *,
                filename: str) -> tuple[Receipt, bool]:
    check_receipt_matches(parsed, channel=dispatch.channel, message_id=dispatch.message_id,
                          recipient=dispatch.recipient, submitted_at=dispatch.submitted_at or dispatch.created_at)
    matches = None
    if parsed.attachments:
        document = session.get(Document, dispatch.document_id)
        assert document is not None
        matches = matches_document(parsed.attachments, blobs.read_verified(document.sha256))
    reasons = [] if parsed.trusted else [f"not trusted: {parsed.signature.reason}"]
    if matches is False:
        reasons.append("the original attached to this receipt is not the dispatched document")
    reasons.extend(parsed.warnings)
    event = parsed.to_event()
    if event is not None and matches is False:  # proves the delivery of something else
        event = DispatchEvent(event.type, event.occurred_at, event.source, False,
                              {**event.details, "matches_document": "false"})
    return _attach(session, blobs, dispatch, data, kind="pec", media_type="message/rfc822", filename=filename,
                   details=pec_details(parsed, matches), signature_present=parsed.signature.present,
                   signature_valid=parsed.signature.valid, flag_reason="; ".join(reasons) or None, event=event)


def attach_file(session: Session, blobs: BlobStore, tenant_id: uuid.UUID, dispatch_id: uuid.UUID, data: bytes, *,
                kind: str, media_type: str, filename: str,
                event: DispatchEvent | None = None) -> tuple[Receipt, bool]:
    """Attach a scan or certificate, optionally with the event it proves (a return card's delivery date).
    On a PEC dispatch a scan may not claim what only a signed receipt proves."""
    if kind not in FILE_KINDS or kind == "pec":
        raise InputError("kind", f"must be one of {', '.join(k for k in FILE_KINDS if k != 'pec')}")
    dispatch = find_dispatch(session, tenant_id, dispatch_id)
    if event is not None:
        check_manual_event(dispatch.channel, event.type, field="event_type")
    receipt, created = _attach(session, blobs, dispatch, data, kind=kind, media_type=media_type,
                               filename=filename, event=event)
    if created:
        receipt_events(session, tenant_id, [receipt])
    return receipt, created


def _attach(session: Session, blobs: BlobStore, dispatch: Dispatch, data: bytes, *, kind: str, media_type: str,
            filename: str, details: dict[str, Any] | None = None, signature_present: bool | None = None,
            signature_valid: bool | None = None, flag_reason: str | None = None,
            event: DispatchEvent | None = None) -> tuple[Receipt, bool]:
    sha256 = hashlib.sha256(data).hexdigest()
    existing = store.existing_receipt(session, dispatch, sha256)
    if existing is not None:
        return existing, False
    blobs.put_bytes(data)  # blob first: a crash leaves an orphan blob, never a row without its file
    try:
        dispatch_store.lock(session, dispatch)
        existing = store.existing_receipt(session, dispatch, sha256)
        if existing is not None:  # an identical upload committed while we waited for the lock
            session.rollback()
            return existing, False
        receipt = store.add_receipt(session, dispatch, kind=kind, media_type=media_type, filename=filename,
                                    sha256=sha256, size=len(data), details=details,
                                    signature_present=signature_present, signature_valid=signature_valid,
                                    flag_reason=flag_reason)
        if event is not None:
            event = DispatchEvent(event.type, event.occurred_at, event.source, event.trusted,
                                  {**event.details, "receipt_sha256": event.details.get("receipt_sha256", sha256)})
            dispatch_store.record_event(session, dispatch, event, receipt_id=receipt.id)
        dispatch_store.refresh_cache(session, dispatch)
        session.commit()
        return receipt, True
    except IntegrityError:
        session.rollback()
        existing = store.existing_receipt(session, dispatch, sha256)
        if existing is None:
            raise
        return existing, False
    except BaseException:
        session.rollback()
        raise
