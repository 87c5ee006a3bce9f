"""Cases: parties and claim (validated as `correspondence.model.Case`), payments, actions and the timeline."""
from __future__ import annotations

import datetime as dt
import uuid

from fastapi import APIRouter, Query, Response, status

from correspondence.evidence import case_timeline
from correspondence.figures import prescription
from correspondence.model import Case
from correspondence.store import cases as store
from correspondence.store.idempotency import IdempotencyKey

from ..deps import IdempotencyDep, SessionDep, TenantDep
from ..schemas import (
    ActionIn, ActionOut, CaseOut, CaseSummary, PaymentIn, PaymentOut, PrescriptionOut, TimelineEntryOut, TimelineOut,
)
from .common import case_or_404, responses

router = APIRouter(tags=["cases"])


def case_out(session: SessionDep, record: store.CaseRecord) -> CaseOut:
    presc = prescription(store.case_model(record), dt.date.today())
    return CaseOut(id=record.id, reference=record.reference, debtor_name=record.debtor_name,
                   jurisdiction=record.jurisdiction, created_at=record.created_at, data=record.data,
                   outstanding=store.outstanding(session, record),
                   prescription=PrescriptionOut(date=presc.date, status=presc.status, article=presc.article,
                                                invoice=presc.invoice),
                   warnings=[presc.warning] if presc.warning else [])


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=CaseOut,
             responses={200: {"model": CaseOut, "description": "Replay of an earlier request (Idempotency-Key)"},
                        **responses(413)})
def create_case(case: Case, session: SessionDep, who: TenantDep, response: Response,
                key: IdempotencyDep) -> CaseOut:
    """Store a case (same fields as a case file; amounts as decimal strings)."""
    idem = IdempotencyKey.of(key, case.model_dump(mode="json"))
    record, created = store.create_case_once(session, who.tenant_id, case, idem)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/cases/{record.id}"
    return case_out(session, record)


@router.get("/cases", response_model=list[CaseSummary])
def list_cases(session: SessionDep, who: TenantDep, limit: int = Query(50, ge=1, le=500),
               offset: int = Query(0, ge=0, le=1_000_000)) -> list[CaseSummary]:
    return [CaseSummary.model_validate(r) for r in store.list_cases(session, who.tenant_id, limit=limit,
                                                                    offset=offset)]


@router.get("/cases/{case_id}", response_model=CaseOut, responses=responses(404))
def get_case(case_id: uuid.UUID, session: SessionDep, who: TenantDep) -> CaseOut:
    return case_out(session, case_or_404(session, who, case_id))


@router.post("/cases/{case_id}/payments", status_code=201, response_model=PaymentOut, responses=responses(404))
def add_payment(case_id: uuid.UUID, body: PaymentIn, session: SessionDep, who: TenantDep) -> PaymentOut:
    """Record a payment received (append-only; a mistaken entry is corrected by a new one)."""
    record = case_or_404(session, who, case_id)
    payment = store.add_payment(session, record, paid_on=body.paid_on, amount=body.amount, reference=body.reference)
    return PaymentOut.model_validate(payment)


@router.post("/cases/{case_id}/actions", status_code=201, response_model=ActionOut, responses=responses(404))
def add_action(case_id: uuid.UUID, body: ActionIn, session: SessionDep, who: TenantDep) -> ActionOut:
    """Record a step taken on the case (call, visit, tracing...); append-only."""
    record = case_or_404(session, who, case_id)
    action = store.add_action(session, record, occurred_on=body.occurred_on, type=body.type,
                              description=body.description, outcome=body.outcome)
    return ActionOut.model_validate(action)


@router.get("/cases/{case_id}/timeline", response_model=TimelineOut, responses=responses(404))
def timeline(case_id: uuid.UUID, session: SessionDep, who: TenantDep) -> TimelineOut:
    """Everything that happened on the case, in date order, each entry pointing at its evidence."""
    record = case_or_404(session, who, case_id)
    entries = [TimelineEntryOut(at=e.at, kind=e.kind, summary=e.summary, ref=e.ref)
               for e in case_timeline(session, record)]
    return TimelineOut(case_id=record.id, entries=entries)
