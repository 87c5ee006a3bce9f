"""Dispatches: a document sent to a recipient through a channel; events; the overdue list."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Optional

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from correspondence.dispatch.model import DeliveryState, DispatchEvent
from correspondence.casework.cases import still_owing
from correspondence.casework.dispatches import open_dispatch, record_event
from correspondence.model.base import Day
from correspondence.store import dispatches as store
from correspondence.store.models import Dispatch, EventRecord, Receipt

from correspondence.store.idempotency import IdempotencyKey

from ..deps import IdempotencyDep, SessionDep, TenantDep
from ..problems import not_found
from ..schemas import DispatchIn, DispatchOut, DispatchSummary, EventIn, EventOut, OverdueOut, ReceiptOut
from ..views import dispatch_out, event_out, receipt_out
from .common import dispatch_or_404, responses

router = APIRouter(tags=["dispatches"])


@router.post("/dispatches", status_code=201, response_model=DispatchOut,
             responses={200: {"model": DispatchOut, "description": "Replay of an earlier request (Idempotency-Key)"},
                        **responses(404, 409)})
def create_dispatch(body: DispatchIn, session: SessionDep, who: TenantDep, response: Response,
                    key: IdempotencyDep) -> DispatchOut:
    """Record that a document is (being) sent. For PEC, `message_id` links the receipts to the dispatch;
    `submitted_at` registers a message already sent elsewhere."""
    dispatch, created = open_dispatch(  # a Message-ID already taken is a Conflict (409)
        session, who.tenant_id, case_id=body.case_id, document_id=body.document_id, channel=body.channel.value,
        recipient=body.recipient, recipient_name=body.recipient_name,
        jurisdiction=body.jurisdiction.value if body.jurisdiction else None, deadline_days=body.deadline_days,
        policy=body.policy.model_dump(), message_id=body.message_id, submitted_at=body.submitted_at,
        idem=IdempotencyKey.of(key, body.model_dump(mode="json")))
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/dispatches/{dispatch.id}"
    return dispatch_out(session, dispatch)


@router.get("/dispatches", response_model=list[DispatchSummary])
def list_dispatches(session: SessionDep, who: TenantDep, case_id: Optional[uuid.UUID] = None,
                    state: Optional[DeliveryState] = None, limit: int = Query(50, ge=1, le=500),
                    offset: int = Query(0, ge=0, le=1_000_000)) -> list[DispatchSummary]:
    stmt = select(Dispatch).where(Dispatch.tenant_id == who.tenant_id)
    if case_id is not None:
        stmt = stmt.where(Dispatch.case_id == case_id)
    if state is not None:
        stmt = stmt.where(Dispatch.state == state.value)
    stmt = stmt.order_by(Dispatch.created_at, Dispatch.id).limit(limit).offset(offset)
    return [DispatchSummary.model_validate(d) for d in session.scalars(stmt)]


IsoDate = Optional[Day]  # ISO string within the business-date range, like every date the API accepts


@router.get("/dispatches/overdue", response_model=OverdueOut)
def overdue(session: SessionDep, who: TenantDep, as_of: IsoDate = None,
            limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=1_000_000)) -> OverdueOut:
    """Dispatches whose payment deadline expired (before `as_of`, default today UTC) on unpaid cases:
    the work list for the next step."""
    day = as_of or dt.datetime.now(dt.timezone.utc).date()
    rows = store.overdue(session, who.tenant_id, as_of=day, limit=limit, offset=offset,
                         keep=lambda case: still_owing(session, case, day))
    return OverdueOut(as_of=day, dispatches=[DispatchSummary.model_validate(d) for d, _ in rows])


@router.get("/dispatches/{dispatch_id}", response_model=DispatchOut, responses=responses(404))
def get_dispatch(dispatch_id: uuid.UUID, session: SessionDep, who: TenantDep) -> DispatchOut:
    """State, events, legal effect (date + rule + explanation) and deadline, replayed from the evidence."""
    return dispatch_out(session, dispatch_or_404(session, who, dispatch_id))


@router.post("/dispatches/{dispatch_id}/events", status_code=201, response_model=DispatchOut,
             responses={200: {"model": DispatchOut, "description": "The same event was already recorded"},
                        **responses(404, 409)})
def add_event(dispatch_id: uuid.UUID, body: EventIn, session: SessionDep, who: TenantDep,
              response: Response) -> DispatchOut:
    """Append an event (e.g. a postal tracking step). Refused with 409 if the history cannot allow it;
    posting the same event twice is a no-op (200). Corrections are new events, never edits."""
    event = DispatchEvent(body.type, body.occurred_at, body.source, True, body.details)
    dispatch, record, created = record_event(session, who.tenant_id, dispatch_id, event)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/dispatches/{dispatch.id}/events/{record.id}"
    return dispatch_out(session, dispatch)


@router.get("/dispatches/{dispatch_id}/events", response_model=list[EventOut], responses=responses(404))
def list_events(dispatch_id: uuid.UUID, session: SessionDep, who: TenantDep) -> list[EventOut]:
    return [event_out(r) for r in store.event_records(session, dispatch_or_404(session, who, dispatch_id))]


@router.get("/dispatches/{dispatch_id}/events/{event_id}", response_model=EventOut, responses=responses(404))
def get_event(dispatch_id: uuid.UUID, event_id: uuid.UUID, session: SessionDep, who: TenantDep) -> EventOut:
    dispatch = dispatch_or_404(session, who, dispatch_id)
    record = session.scalar(select(EventRecord).where(EventRecord.id == event_id,
                                                      EventRecord.dispatch_id == dispatch.id))
    if record is None:
        raise not_found("event")
    return event_out(record)


@router.get("/dispatches/{dispatch_id}/receipts", response_model=list[ReceiptOut], responses=responses(404))
def list_receipts(dispatch_id: uuid.UUID, session: SessionDep, who: TenantDep) -> list[ReceiptOut]:
    dispatch = dispatch_or_404(session, who, dispatch_id)
    rows = session.scalars(select(Receipt).where(Receipt.dispatch_id == dispatch.id).order_by(Receipt.created_at))
    return [receipt_out(session, r) for r in rows]
