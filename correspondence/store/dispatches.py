"""Dispatches and their events: events are stored, the state is always derived by the dispatch library's
`replay` (so receipts may arrive in any order), and every new event is validated with `check_event` first.

Writers serialise per dispatch by bumping `Dispatch.version` as the first write of their transaction: on
PostgreSQL that takes the row lock, on SQLite the database write lock; the history read afterwards is
therefore complete, and two concurrent events cannot both pass `check_event` against a stale history.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import asdict
from typing import Any, Callable, Mapping, Optional

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..dispatch.legal import LegalEffectPolicy
from ..dispatch.machine import RecipientStatus, check_event, replay
from ..dispatch.model import Channel, DeliveryState, DispatchEvent, EventType
from ..errors import InputError
from .idempotency import IdempotencyKey, remember, replayed
from .models import CaseRecord, Dispatch, Document, EventRecord
from .types import utcnow


class DuplicateMessageId(InputError):
    """Another dispatch of the tenant already carries this PEC Message-ID."""


def normalise_message_id(value: str) -> str:
    value = value.strip()
    if not value:
        raise InputError("message_id", "must not be empty")
    if not (value.startswith("<") and value.endswith(">")):
        value = f"<{value.strip('<>')}>"
    if any(c.isspace() for c in value) or "@" not in value or len(value) > 500:
        raise InputError("message_id", "must look like <local@domain> without spaces")
    return value


def make_policy(data: Mapping[str, Any] | None) -> LegalEffectPolicy:
    try:
        return LegalEffectPolicy(**dict(data or {}))
    except TypeError:
        raise InputError("policy", "unknown policy field") from None


def get_dispatch(session: Session, tenant_id: uuid.UUID, dispatch_id: uuid.UUID) -> Optional[Dispatch]:
    return session.scalar(select(Dispatch).where(Dispatch.id == dispatch_id, Dispatch.tenant_id == tenant_id))


def find_by_message_id(session: Session, tenant_id: uuid.UUID, message_id: str) -> Optional[Dispatch]:
    try:
        message_id = normalise_message_id(message_id)
    except InputError:
        return None
    return session.scalar(select(Dispatch).where(Dispatch.tenant_id == tenant_id, Dispatch.message_id == message_id))


def create_dispatch(session: Session, case: CaseRecord, document: Document, *, channel: str, recipient: str,
                    recipient_name: str | None = None, jurisdiction: str | None = None,
                    deadline_days: int | None = None, policy: Mapping[str, Any] | None = None,
                    message_id: str | None = None, idem: IdempotencyKey | None = None) -> Dispatch:
    """Record a dispatch in state draft. PEC dispatches always get a Message-ID (generated if not given):
    it is what PEC receipts refer to, so the sender must set it on the message it submits."""
    return create_dispatch_once(session, case, document, channel=channel, recipient=recipient,
                                recipient_name=recipient_name, jurisdiction=jurisdiction, deadline_days=deadline_days,
                                policy=policy, message_id=message_id, idem=idem)[0]


def create_dispatch_once(session: Session, case: CaseRecord, document: Document, *, channel: str, recipient: str,
                         recipient_name: str | None = None, jurisdiction: str | None = None,
                         deadline_days: int | None = None, policy: Mapping[str, Any] | None = None,
                         message_id: str | None = None,
                         idem: IdempotencyKey | None = None) -> tuple[Dispatch, bool]:
    """`create_dispatch` honouring an idempotency key: (dispatch, created)."""
    earlier = replayed(session, case.tenant_id, idem, "dispatch")
    if earlier is not None:
        return session.get(Dispatch, earlier), False  # type: ignore[return-value]
    try:
        chan = Channel(channel)
    except ValueError:
        raise InputError("channel", f"must be one of {', '.join(c.value for c in Channel)}") from None
    juris = (jurisdiction or case.jurisdiction).upper()
    if juris not in ("IT", "ES"):
        raise InputError("jurisdiction", "must be IT or ES")
    if deadline_days is None:
        deadline_days = int(case.data.get("deadline_days") or 15)
    if not 0 <= deadline_days <= 365:
        raise InputError("deadline_days", "must be between 0 and 365")
    pol = make_policy(policy)
    recipient = recipient.strip()
    if not recipient:
        raise InputError("recipient", "must not be empty")
    if chan in (Channel.pec, Channel.certified_email, Channel.erds) and "@" not in recipient:
        raise InputError("recipient", f"a {chan.value} dispatch needs an electronic address (name@domain)")
    if document.case_id is not None and document.case_id != case.id:
        raise InputError("document_id", "the document belongs to another case")
    if message_id:
        message_id = normalise_message_id(message_id)
    elif chan == Channel.pec:
        message_id = f"<{uuid.uuid4().hex}@correspondence.invalid>"
    dispatch = Dispatch(
        tenant_id=case.tenant_id, case_id=case.id, document_id=document.id, channel=chan.value,
        recipient=recipient, recipient_name=recipient_name, jurisdiction=juris,
        deadline_days=deadline_days, policy=asdict(pol), message_id=message_id,
        state=DeliveryState.draft.value, version=0,
    )
    session.add(dispatch)
    try:
        session.flush()
        remember(session, case.tenant_id, idem, "dispatch", dispatch.id)
        session.commit()
    except IntegrityError:
        session.rollback()
        earlier = replayed(session, case.tenant_id, idem, "dispatch")
        if earlier is not None:  # the same key committed by a concurrent request
            return session.get(Dispatch, earlier), False  # type: ignore[return-value]
        raise DuplicateMessageId("message_id", "another dispatch already has this Message-ID") from None
    return dispatch, True


#: On a PEC dispatch these are proven only by the gestore's signed receipts, never by a posted event.
PEC_RECEIPT_EVENTS = frozenset({
    EventType.accepted, EventType.not_accepted, EventType.in_transit, EventType.delivery_warning,
    EventType.delivered, EventType.undeliverable, EventType.failed, EventType.virus_detected,
})


def check_manual_event(dispatch: Dispatch, event_type: EventType) -> None:
    """Refuse manual (JSON or scan) evidence that only a signed PEC receipt may give: otherwise an unsigned
    claim could move a PEC dispatch to delivered."""
    if dispatch.channel == Channel.pec.value and event_type in PEC_RECEIPT_EVENTS:
        raise InputError("type", f"on a PEC dispatch '{event_type.value}' is proven by the gestore's receipt: "
                                 "upload the .eml to /v1/dispatches/{id}/receipts")


def event_fingerprint(event: DispatchEvent) -> str:
    """Same type, instant, source, trust and details = the same event (re-posting it is a no-op)."""
    canonical = json.dumps({
        "type": event.type.value,
        "at": event.occurred_at.astimezone(dt.timezone.utc).isoformat(),
        "source": event.source, "trusted": event.trusted, "details": dict(sorted(event.details.items())),
    }, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def to_dispatch_event(record: EventRecord) -> DispatchEvent:
    # give the event back its original zone: legal dates are local dates
    at = record.occurred_at.astimezone(dt.timezone(dt.timedelta(minutes=record.utc_offset_minutes or 0)))
    details = {k: str(v) for k, v in (record.details or {}).items()}
    return DispatchEvent(EventType(record.type), at, record.source, record.trusted, details)


def event_records(session: Session, dispatch: Dispatch) -> list[EventRecord]:
    """The dispatch's events in the order replay applies them (time, then the library's rank)."""
    rows = session.scalars(select(EventRecord).where(EventRecord.dispatch_id == dispatch.id))
    return sorted(rows, key=lambda r: (to_dispatch_event(r).sort_key(), r.created_at))


def status(session: Session, dispatch: Dispatch, records: list[EventRecord] | None = None) -> RecipientStatus:
    records = event_records(session, dispatch) if records is None else records
    return replay(Channel(dispatch.channel), [to_dispatch_event(r) for r in records],
                  deadline_days=dispatch.deadline_days, jurisdiction=dispatch.jurisdiction,
                  policy=make_policy(dispatch.policy))


def lock(session: Session, dispatch: Dispatch) -> None:
    """Start this transaction's writes by taking the dispatch's write lock (see module docstring)."""
    session.execute(update(Dispatch).where(Dispatch.id == dispatch.id).values(version=Dispatch.version + 1)
                    .execution_options(synchronize_session=False))


def refresh_cache(session: Session, dispatch: Dispatch) -> RecipientStatus:
    st = status(session, dispatch)
    dispatch.state = st.state.value
    dispatch.legal_effective_at = st.legal_effect.effective_at if st.legal_effect else None
    dispatch.deadline_at = st.deadline_at
    return st


def record_event(session: Session, dispatch: Dispatch, event: DispatchEvent, *,
                 receipt_id: uuid.UUID | None = None) -> tuple[EventRecord, bool]:
    """Insert `event` after validating it against the full history (IllegalTransition otherwise) within the
    caller's locked transaction; does not commit. Returns (record, created)."""
    fingerprint = event_fingerprint(event)
    existing = session.scalar(select(EventRecord).where(EventRecord.dispatch_id == dispatch.id,
                                                        EventRecord.fingerprint == fingerprint))
    if existing is not None:
        return existing, False
    history = [to_dispatch_event(r) for r in event_records(session, dispatch)]
    check_event(Channel(dispatch.channel), history, event)
    offset = event.occurred_at.utcoffset()
    record = EventRecord(tenant_id=dispatch.tenant_id, dispatch_id=dispatch.id, type=event.type.value,
                         occurred_at=event.occurred_at,
                         utc_offset_minutes=int(offset.total_seconds() // 60) if offset is not None else 0,
                         source=event.source, trusted=event.trusted, details=dict(event.details), receipt_id=receipt_id, fingerprint=fingerprint, created_at=utcnow())
    session.add(record)
    session.flush()
    return record, True


def add_event(session: Session, dispatch: Dispatch, event: DispatchEvent) -> tuple[EventRecord, bool]:
    """Validate and append one event, update the cached status, commit. Nothing is written on refusal."""
    try:
        lock(session, dispatch)
        record, created = record_event(session, dispatch, event)
        if created:
            refresh_cache(session, dispatch)
        session.commit()
        return record, created
    except BaseException:
        session.rollback()
        raise


def overdue(session: Session, tenant_id: uuid.UUID, *, as_of: dt.date, limit: int = 100, offset: int = 0,
            keep: Callable[[CaseRecord], bool] = lambda _case: True) -> list[tuple[Dispatch, CaseRecord]]:
    """Dispatches whose deadline passed before `as_of` (oldest first), on the cases `keep` accepts (the
    casework layer keeps those still owing money)."""
    stmt = (select(Dispatch, CaseRecord).join(CaseRecord, CaseRecord.id == Dispatch.case_id)
            .where(Dispatch.tenant_id == tenant_id, Dispatch.deadline_at.is_not(None), Dispatch.deadline_at < as_of)
            .order_by(Dispatch.deadline_at, Dispatch.id))
    result = []
    skipped = 0
    kept: dict[uuid.UUID, bool] = {}
    for dispatch, case in session.execute(stmt):
        if case.id not in kept:
            kept[case.id] = keep(case)
        if not kept[case.id]:
            continue
        if skipped < offset:
            skipped += 1
            continue
        result.append((dispatch, case))
        if len(result) >= limit:
            break
    return result
