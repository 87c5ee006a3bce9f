"""Building response bodies from store rows and the replayed status."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from correspondence.store.dispatches import event_records, status
from correspondence.store.models import Dispatch, EventRecord, Receipt

from .schemas import DispatchOut, EventOut, LegalBasisOut, ReceiptOut, SignatureOut


def event_out(record: EventRecord) -> EventOut:
    return EventOut(id=record.id, type=record.type, occurred_at=record.occurred_at, source=record.source,
                    trusted=record.trusted, details=record.details or {}, receipt_id=record.receipt_id,
                    recorded_at=record.created_at)


def dispatch_out(session: Session, dispatch: Dispatch) -> DispatchOut:
    records = event_records(session, dispatch)
    st = status(session, dispatch, records)
    effect = st.legal_effect
    receipt_ids = list(session.scalars(select(Receipt.id).where(Receipt.dispatch_id == dispatch.id)
                                       .order_by(Receipt.created_at)))
    return DispatchOut(
        id=dispatch.id, case_id=dispatch.case_id, document_id=dispatch.document_id, channel=dispatch.channel,
        recipient=dispatch.recipient, recipient_name=dispatch.recipient_name, jurisdiction=dispatch.jurisdiction,
        deadline_days=dispatch.deadline_days, policy=dispatch.policy, message_id=dispatch.message_id,
        state=st.state, claimed_state=st.claimed_state, final=st.is_final,
        legal_effective_at=effect.effective_at if effect else None,
        legal_basis=LegalBasisOut(rule=effect.rule, explanation=effect.explanation, source=effect.source,
                                  deemed=effect.deemed, provisional=effect.provisional) if effect else None,
        deadline_at=st.deadline_at, events=[event_out(r) for r in records], receipt_ids=receipt_ids,
        created_at=dispatch.created_at, submitted_at=dispatch.submitted_at, registered_after=dispatch.registered_after,
    )


def receipt_out(session: Session, receipt: Receipt) -> ReceiptOut:
    event_ids = list(session.scalars(select(EventRecord.id).where(EventRecord.receipt_id == receipt.id)))
    return ReceiptOut(
        id=receipt.id, dispatch_id=receipt.dispatch_id, kind=receipt.kind, media_type=receipt.media_type,
        filename=receipt.filename, sha256=receipt.sha256, size=receipt.size,
        signature=SignatureOut(present=receipt.signature_present, valid=receipt.signature_valid),
        flagged=receipt.flagged, flag_reason=receipt.flag_reason, details=receipt.details or {},
        matches_document=(receipt.details or {}).get("matches_document"), event_ids=event_ids, created_at=receipt.created_at,
    )
