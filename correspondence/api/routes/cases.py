"""Cases: open, amend (new version), payments, actions, the case as it stands, its next step and timeline."""
from __future__ import annotations

import hashlib
import uuid
from typing import Literal

from fastapi import APIRouter, Query, Response, status

from correspondence.casework import cases as casework
from correspondence.casework.standing import Standing
from correspondence.casework.steps import NextStep, next_step
from correspondence.evidence import case_timeline
from correspondence.figures import plan_figures, rate_warnings
from correspondence.model import Case
from correspondence.store import cases as store
from correspondence.store.idempotency import IdempotencyKey
from correspondence.store.models import CaseRecord

from ..deps import IdempotencyDep, SessionDep, StoreDep, TenantDep
from ..schemas import (
    ActionIn, ActionOut, CaseOut, CasePatchIn, CasePlanOut, CaseSummary, CaseVersionOut, FiguresOut, NextStepOut, PaymentIn,
    PaymentOut, PrescriptionOut, StepDoneOut, TimelineEntryOut, TimelineOut,
)
from .common import case_or_404, responses
from .dispatches import IsoDate

router = APIRouter(tags=["cases"])


def next_out(step: NextStep) -> NextStepOut:
    return NextStepOut(phase=step.phase, step=step.step, due=step.due, overdue=step.overdue, summary=step.summary,
                       done=[StepDoneOut(step=d.step, on=d.on, detail=d.detail) for d in step.done],
                       warnings=list(step.warnings))


def plan_out(standing: Standing) -> CasePlanOut | None:
    plan = standing.case.plan
    if plan is None:
        return None
    f = plan_figures(standing.case, standing.at)
    status = "broken" if f.broken_on is not None else "kept" if f.balance <= 0 else "running"
    return CasePlanOut(type=plan.type.value, agreed_on=f.start, total=f.total, paid=f.paid, balance=f.balance,
                       overdue=f.overdue, balance_due=f.balance_due, broken_on=f.broken_on, status=status)


def case_out(record: CaseRecord, standing: Standing) -> CaseOut:
    s, presc = standing.statement, standing.prescription
    step = next_step(standing)
    warnings = list(dict.fromkeys(w for w in (presc.warning, *step.warnings, *rate_warnings(s)) if w))
    return CaseOut(id=record.id, reference=record.reference, debtor_name=record.debtor_name,
                   jurisdiction=record.jurisdiction, created_at=record.created_at, version=record.version,
                   at=standing.at, data=record.data, outstanding=s.principal_outstanding, total_due=s.total_due,
                   figures=FiguresOut(at=s.at, principal=s.principal, payments=s.payments_total,
                                      principal_outstanding=s.principal_outstanding, interest=s.interest,
                                      compensation=s.compensation, costs=s.costs, total_due=s.total_due),
                   prescription=PrescriptionOut.model_validate({"date": presc.date, "status": presc.status,
                                                                "article": presc.article, "invoice": presc.invoice,
                                                                "interrupted": presc.interrupted,
                                                                "since": presc.since}),
                   next=next_out(step), plan=plan_out(standing), warnings=warnings)


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=CaseOut,
             responses={200: {"model": CaseOut, "description": "Replay of an earlier request (Idempotency-Key)"},
                        **responses(413)})
def create_case(case: Case, session: SessionDep, who: TenantDep, response: Response,
                key: IdempotencyDep) -> CaseOut:
    """Open a case (same fields as a case file; amounts as decimal strings)."""
    idem = IdempotencyKey.of(key, case.model_dump(mode="json"))
    record, created = casework.open_case(session, who.tenant_id, case, idem)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/cases/{record.id}"
    return case_out(*casework.case_standing(session, who.tenant_id, record.id))


@router.get("/cases", response_model=list[CaseSummary])
def list_cases(session: SessionDep, who: TenantDep, due: IsoDate = None, limit: int = Query(50, ge=1, le=500),
               offset: int = Query(0, ge=0, le=1_000_000)) -> list[CaseSummary]:
    """The tenant's cases; with `due`, only those whose next step falls due on or before that day (overdue
    first): the work list."""
    if due is not None:
        rows = casework.cases_due(session, who.tenant_id, due, limit=limit, offset=offset)
        return [CaseSummary.model_validate(r) for r, _, _ in rows]
    return [CaseSummary.model_validate(r) for r in store.list_cases(session, who.tenant_id, limit=limit,
                                                                    offset=offset)]


@router.get("/cases/{case_id}", response_model=CaseOut, responses=responses(404))
def get_case(case_id: uuid.UUID, session: SessionDep, who: TenantDep, at: IsoDate = None) -> CaseOut:
    """The case as it stands at `at` (default today in its jurisdiction): figures from the same engine and on
    the same folded case as a letter of that date, prescription counting delivered demands, next step."""
    return case_out(*casework.case_standing(session, who.tenant_id, case_id, at))


@router.patch("/cases/{case_id}", response_model=CaseOut, responses=responses(404))
def amend_case(case_id: uuid.UUID, body: CasePatchIn, session: SessionDep, who: TenantDep) -> CaseOut:
    """Amend the case (e.g. a new address after tracing, a corrected invoice): a new version; earlier versions
    and the documents made from them are kept."""
    casework.amend_case(session, who.tenant_id, case_id, body.changes, reason=body.reason)
    return case_out(*casework.case_standing(session, who.tenant_id, case_id))


@router.get("/cases/{case_id}/versions", response_model=list[CaseVersionOut], responses=responses(404))
def case_versions(case_id: uuid.UUID, session: SessionDep, who: TenantDep) -> list[CaseVersionOut]:
    return [CaseVersionOut.model_validate(v) for v in store.versions(session, case_or_404(session, who, case_id))]


@router.get("/cases/{case_id}/next", response_model=NextStepOut, responses=responses(404))
def case_next(case_id: uuid.UUID, session: SessionDep, who: TenantDep, at: IsoDate = None) -> NextStepOut:
    """Which phase the case is in and what is due next, with dates, from its evidence."""
    _, standing = casework.case_standing(session, who.tenant_id, case_id, at)
    return next_out(next_step(standing))


@router.post("/cases/{case_id}/payments", status_code=201, response_model=PaymentOut, responses=responses(404))
def add_payment(case_id: uuid.UUID, body: PaymentIn, session: SessionDep, who: TenantDep) -> PaymentOut:
    """Record a payment received (append-only). Refused (422, with the amount owed) when larger than what
    the case owed that day; one dated after a letter's date does not appear in that letter."""
    payment = casework.record_payment(session, who.tenant_id, case_id, paid_on=body.paid_on, amount=body.amount,
                                      reference=body.reference, invoice=body.invoice)
    return PaymentOut.model_validate(payment)


@router.post("/cases/{case_id}/actions", status_code=201, response_model=ActionOut, responses=responses(404))
def add_action(case_id: uuid.UUID, body: ActionIn, session: SessionDep, who: TenantDep) -> ActionOut:
    """Record a step taken on the case (call, visit, tracing...); append-only."""
    action = casework.record_action(session, who.tenant_id, case_id, occurred_on=body.occurred_on, type=body.type,
                                    description=body.description, outcome=body.outcome, channel=body.channel,
                                    reference=body.reference, search=body.search, result=body.result,
                                    assets_value=body.assets_value)
    return ActionOut.model_validate(action)


@router.get("/cases/{case_id}/timeline", response_model=TimelineOut, responses=responses(404))
def timeline(case_id: uuid.UUID, session: SessionDep, who: TenantDep) -> TimelineOut:
    """Everything that happened on the case, in date order, each entry pointing at its evidence."""
    record = case_or_404(session, who, case_id)
    entries = [TimelineEntryOut(at=e.at, kind=e.kind, summary=e.summary, ref=e.ref)
               for e in case_timeline(session, record)]
    return TimelineOut(case_id=record.id, entries=entries)



@router.get("/cases/{case_id}/report", response_class=Response, responses={
    200: {"content": {"application/pdf": {}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}},
          "description": "The uncollectability report (PDF/A-3 with the evidence embedded, or DOCX listing it)"},
    **responses(404, 503)})
def report(case_id: uuid.UUID, session: SessionDep, store: StoreDep, who: TenantDep,
           format: Literal["pdf", "docx"] = Query("pdf"), year_end: IsoDate = None, date: IsoDate = None) -> Response:
    """The uncollectability report of the case as it stands at `date` (default today): each tax ground met,
    not met or not applicable from the evidence, tested at `year_end` (ES art. 13.1 LIS accrual date), with
    the cost/benefit; the PDF embeds every dispatched document and receipt byte for byte, with its SHA-256."""
    try:
        from correspondence.casework.reports import produce_report
    except ImportError:  # pragma: no cover - rendering extras missing
        from ..problems import Problem
        raise Problem(503, "document rendering is not available on this server", slug="render-unavailable") from None
    case_or_404(session, who, case_id)
    produced = produce_report(session, store.blobs, who.tenant_id, case_id, format, year_end=year_end, date=date)
    safe_name = "".join(c for c in produced.filename if c.isalnum() or c in "._- ")[:120] or "report"
    return Response(produced.data, media_type=produced.media_type, headers={
        "Content-Disposition": f'attachment; filename="{safe_name}"', "X-Content-Type-Options": "nosniff",
        "X-Annexes": str(produced.annexes), "ETag": f'"{hashlib.sha256(produced.data).hexdigest()}"'})
