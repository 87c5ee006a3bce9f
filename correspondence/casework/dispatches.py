"""Use cases on dispatches: open one for a stored document, record a carrier event, read its state.

Each function validates first (rules in `dispatch/`: recipients, Message-IDs, which evidence a channel
accepts), then writes and commits once; a refusal leaves nothing behind. `store/` only persists. The
state of a dispatch is never stored as a fact: it is the replay of its events (`dispatch.replay`).
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..dispatch.correlation import (
    check_manual_event, check_recipient, check_submitted_at, make_policy, normalise_message_id,
)
from ..dispatch.machine import RecipientStatus
from ..dispatch.model import CERTIFIED_CHANNELS, Channel, DeliveryState, DispatchEvent
from ..errors import InputError, NotFound
from ..store import dispatches as store
from ..store.idempotency import IdempotencyKey
from ..store.models import CaseRecord, Dispatch, EventRecord
from ..store.types import utcnow
from .cases import find_case
from .documents import find_document
from .webhooks import outcome_events

DEFAULT_DEADLINE_DAYS = 15


def find_dispatch(session: Session, tenant_id: uuid.UUID, dispatch_id: uuid.UUID) -> Dispatch:
    """The tenant's dispatch, or `NotFound` (another tenant's is not found either)."""
    dispatch = store.get_dispatch(session, tenant_id, dispatch_id)
    if dispatch is None:
        raise NotFound("dispatch")
    return dispatch


def open_dispatch(session: Session, tenant_id: uuid.UUID, *, case_id: uuid.UUID, document_id: uuid.UUID,
                  channel: str, recipient: str, recipient_name: str | None = None,
                  jurisdiction: str | None = None, deadline_days: int | None = None,
                  policy: Mapping[str, Any] | None = None, message_id: str | None = None,
                  submitted_at: dt.datetime | None = None,
                  idem: IdempotencyKey | None = None) -> tuple[Dispatch, bool]:
    """Record that a document of a case is (being) sent, in state draft: (dispatch, created).

    PEC dispatches always get a Message-ID (generated if not given): receipts refer to it, so the sender
    must set it on the message it submits. `submitted_at` is for a message already sent elsewhere: the
    dispatch then says it was registered afterwards, and receipts older than it are refused."""
    case = find_case(session, tenant_id, case_id)
    document = find_document(session, tenant_id, document_id)
    if document.case_id is not None and document.case_id != case.id:
        raise InputError("document_id", "the document belongs to another case")
    chan = next((c for c in CERTIFIED_CHANNELS if c.value == channel), None)
    if chan is None:  # e-mail and ordinary mail give no evidence of delivery to track
        raise InputError("channel", "must be a channel with proof of delivery, one of "
                         f"{', '.join(sorted(c.value for c in CERTIFIED_CHANNELS))}")
    juris = (jurisdiction or case.jurisdiction).upper()
    if juris not in ("IT", "ES"):
        raise InputError("jurisdiction", "must be IT or ES")
    if deadline_days is None:
        deadline_days = int(case.data.get("deadline_days") or DEFAULT_DEADLINE_DAYS)
    if not 0 <= deadline_days <= 365:
        raise InputError("deadline_days", "must be between 0 and 365")
    pol = make_policy(policy)
    recipient = check_recipient(chan, recipient)
    check_submitted_at(submitted_at, utcnow())
    if message_id:
        message_id = normalise_message_id(message_id)
    elif chan == Channel.pec:
        message_id = f"<{uuid.uuid4().hex}@correspondence.invalid>"
    dispatch = Dispatch(
        tenant_id=tenant_id, case_id=case.id, document_id=document.id, channel=chan.value, recipient=recipient,
        recipient_name=recipient_name, jurisdiction=juris, deadline_days=deadline_days, policy=asdict(pol),
        message_id=message_id, state=DeliveryState.draft.value, version=0, submitted_at=submitted_at,
        registered_after=submitted_at is not None,
    )
    dispatch, created = store.add_dispatch(session, dispatch, idem)
    session.commit()
    return dispatch, created


def record_event(session: Session, tenant_id: uuid.UUID, dispatch_id: uuid.UUID,
                 event: DispatchEvent) -> tuple[Dispatch, EventRecord, bool]:
    """Append a carrier/staff event (a postal tracking step, a return card's date) after checking it against
    the whole history (IllegalTransition otherwise); the same event twice is a no-op: created=False.
    On a PEC dispatch only the gestore's signed receipts prove acceptance and delivery."""
    dispatch = find_dispatch(session, tenant_id, dispatch_id)
    check_manual_event(dispatch.channel, event.type)
    try:
        store.lock(session, dispatch)
        record, created = store.record_event(session, dispatch, event)
        if created:
            store.refresh_cache(session, dispatch)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if created:
        outcome_events(session, dispatch)  # webhooks: dispatch.delivered / dispatch.failed
    return dispatch, record, created


def dispatch_state(session: Session, tenant_id: uuid.UUID,
                   dispatch_id: uuid.UUID) -> tuple[Dispatch, list[EventRecord], RecipientStatus]:
    """The dispatch, its events in replay order, and the state they prove (legal effect, deadline)."""
    dispatch = find_dispatch(session, tenant_id, dispatch_id)
    records = store.event_records(session, dispatch)
    return dispatch, records, store.status(session, dispatch, records)


def list_dispatches(session: Session, tenant_id: uuid.UUID, *, state: str | None = None,
                    case_id: uuid.UUID | None = None, limit: int = 500) -> list[tuple[Dispatch, CaseRecord]]:
    """The tenant's dispatches with their cases, deadline expired first (then soonest deadline, then the
    newest without one): the board's order. States and dates are the cached replay of the evidence."""
    stmt = (select(Dispatch, CaseRecord).join(CaseRecord, CaseRecord.id == Dispatch.case_id)
            .where(Dispatch.tenant_id == tenant_id))
    if state is not None:
        stmt = stmt.where(Dispatch.state == state)
    if case_id is not None:
        stmt = stmt.where(Dispatch.case_id == case_id)
    rows = [(d, c) for d, c in session.execute(stmt.order_by(Dispatch.created_at.desc()).limit(limit))]
    rows.sort(key=lambda row: (row[0].deadline_at is None, row[0].deadline_at or dt.date.max))
    return rows
