"""Dispatches and their events, persisted: events are stored, the state is always derived by the dispatch
library's `replay` (so receipts may arrive in any order), and every new event is validated with
`check_event` first. The use cases (and their transactions) are in `casework.dispatches`.

Writers serialise per dispatch by bumping `Dispatch.version` as the first write of their transaction: on
PostgreSQL that takes the row lock, on SQLite the database write lock; the history read afterwards is
therefore complete, and two concurrent events cannot both pass `check_event` against a stale history.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Callable, Optional

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..dispatch.correlation import make_policy, normalise_message_id
from ..dispatch.machine import RecipientStatus, check_event, replay
from ..dispatch.model import Channel, DispatchEvent, EventType
from ..errors import Conflict, InputError
from ..model.calendar import Place
from .idempotency import IdempotencyKey, remember, replayed
from .models import CaseRecord, Dispatch, EventRecord
from .types import utcnow


class DuplicateMessageId(Conflict):
    """Another dispatch of the tenant already carries this PEC Message-ID."""

    slug = "duplicate-message-id"


def get_dispatch(session: Session, tenant_id: uuid.UUID, dispatch_id: uuid.UUID) -> Optional[Dispatch]:
    return session.scalar(select(Dispatch).where(Dispatch.id == dispatch_id, Dispatch.tenant_id == tenant_id))


def find_by_message_id(session: Session, tenant_id: uuid.UUID, message_id: str) -> Optional[Dispatch]:
    """The tenant's first dispatch with this (normalised) Message-ID (one per recipient may share it)."""
    found = sharing_message_id(session, tenant_id, message_id)
    return found[0] if found else None


def sharing_message_id(session: Session, tenant_id: uuid.UUID, message_id: str) -> list[Dispatch]:
    """The tenant's dispatches of one message: one per recipient, oldest first."""
    try:
        message_id = normalise_message_id(message_id)
    except InputError:
        return []
    return list(session.scalars(select(Dispatch).where(Dispatch.tenant_id == tenant_id,
                                                       Dispatch.message_id == message_id)
                                .order_by(Dispatch.created_at, Dispatch.id)))


def check_shared_message_id(session: Session, dispatch: Dispatch) -> None:
    """A Message-ID names one message: dispatches sharing it are its recipients, so they must carry the
    same document of the same case, each recipient once, and the message must not be sent by us yet."""
    recipient = dispatch.recipient.strip().lower()
    for other in sharing_message_id(session, dispatch.tenant_id, dispatch.message_id or ""):
        if other.recipient.strip().lower() == recipient:
            raise DuplicateMessageId("message_id", f"another dispatch already has this Message-ID for {dispatch.recipient}")
        if other.case_id != dispatch.case_id or other.document_id != dispatch.document_id:
            raise DuplicateMessageId("message_id", "another dispatch already has this Message-ID with another "
                                                   "document: one message carries one document")
        if other.submitted_at is not None and not other.registered_after:
            raise DuplicateMessageId("message_id", "the message with this Message-ID was already sent: "
                                                   "a recipient cannot be added to it")


def add_dispatch(session: Session, dispatch: Dispatch, idem: IdempotencyKey | None = None) -> tuple[Dispatch, bool]:
    """Insert a validated dispatch and remember its idempotency key; flushes, does not commit. A replayed
    key gives back the first dispatch: (dispatch, created). A taken Message-ID raises DuplicateMessageId
    (the session is then rolled back)."""
    earlier = replayed(session, dispatch.tenant_id, idem, "dispatch")
    if earlier is not None:
        return session.get(Dispatch, earlier), False  # type: ignore[return-value]
    if dispatch.message_id:
        check_shared_message_id(session, dispatch)
    session.add(dispatch)
    try:
        session.flush()
        remember(session, dispatch.tenant_id, idem, "dispatch", dispatch.id)
        session.flush()
    except IntegrityError:
        session.rollback()
        earlier = replayed(session, dispatch.tenant_id, idem, "dispatch")
        if earlier is not None:  # the same key committed by a concurrent request
            return session.get(Dispatch, earlier), False  # type: ignore[return-value]
        raise DuplicateMessageId("message_id", "another dispatch already has this Message-ID for this recipient") from None
    return dispatch, True


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
                  policy=make_policy(dispatch.policy), place=_payment_place(session, dispatch))


def _payment_place(session: Session, dispatch: Dispatch) -> Place | None:
    """The creditor's domicile recorded on the case: where the letter's payment term runs."""
    case = session.get(CaseRecord, dispatch.case_id) if dispatch.case_id is not None else None
    address = ((case.data or {}).get("creditor") or {}).get("address") if case is not None else None
    if not isinstance(address, dict):
        return None
    return Place(str(address.get("country") or dispatch.jurisdiction), address.get("city"),
                 address.get("province"), address.get("postal_code"))


def lock(session: Session, dispatch: Dispatch) -> None:
    """Start this transaction's writes by taking the dispatch's write lock (see module docstring)."""
    session.execute(update(Dispatch).where(Dispatch.id == dispatch.id).values(version=Dispatch.version + 1)
                    .execution_options(synchronize_session=False))


def refresh_cache(session: Session, dispatch: Dispatch) -> RecipientStatus:
    st = status(session, dispatch)
    dispatch.state = st.state.value
    dispatch.legal_effective_at = st.legal_effect.effective_at if st.legal_effect else None
    dispatch.legal_rule = st.legal_effect.source if st.legal_effect and st.legal_effect.effective_at else None
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
