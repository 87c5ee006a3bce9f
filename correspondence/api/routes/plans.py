"""Payment plans and promises to pay on a case: record one, see how it stands (instalments and balance)."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Literal, Optional

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from correspondence.casework import plans as casework
from correspondence.model import Plan
from correspondence.model.base import Day, Money

from ..deps import SessionDep, TenantDep
from .common import responses
from .dispatches import IsoDate

router = APIRouter(tags=["plans"])


class PromiseIn(BaseModel):
    """A promise to pay one amount by one date; `written`: the debtor put it in writing (an acknowledgment)."""

    model_config = ConfigDict(extra="forbid")
    amount: Money
    due_date: Day
    promised_on: Optional[Day] = None
    written: bool = False


class InstalmentOut(BaseModel):
    number: int
    due_date: dt.date
    capital: Decimal
    interest: Decimal
    amount: Decimal
    paid: Decimal
    paid_on: Optional[dt.date]
    grace_until: dt.date
    status: str = Field(description="pending | paid | late | partly_paid | overdue (within the grace days) | missed")


class PlanOut(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    type: Literal["plan", "promise"]
    agreed_on: dt.date
    signed_on: Optional[dt.date]
    at: dt.date
    acknowledged: Decimal
    interest_total: Decimal = Field(description="Agreed interest on the deferred capital")
    total: Decimal
    paid: Decimal
    balance: Decimal = Field(description="What is left to pay under the plan")
    overdue: Decimal = Field(description="Unpaid part of the instalments already due")
    balance_due: Decimal = Field(description="What may be claimed now: the whole balance once a missed instalment "
                                             "made it due (art. 1186 c.c.; vencimiento anticipado), else overdue")
    accelerated: bool
    broken_on: Optional[dt.date]
    kept: bool
    instalments: list[InstalmentOut]


def plan_out(s: casework.PlanStanding) -> PlanOut:
    f = s.figures
    return PlanOut(id=s.record.id, case_id=s.record.case_id, type=s.plan.type.value, agreed_on=s.record.agreed_on,
                   signed_on=s.plan.signed_on, at=f.at, acknowledged=f.acknowledged, interest_total=f.interest_total,
                   total=f.total, paid=f.paid, balance=f.balance, overdue=f.overdue, balance_due=f.balance_due,
                   accelerated=f.accelerated, broken_on=f.broken_on, kept=s.kept,
                   instalments=[InstalmentOut(number=i.number, due_date=i.due_date, capital=i.capital,
                                              interest=i.interest, amount=i.amount, paid=i.paid, paid_on=i.paid_on,
                                              grace_until=i.grace_until, status=i.status)
                                for i in f.instalments])


def _created(s: casework.PlanStanding, response: Response) -> PlanOut:
    response.headers["Location"] = f"/v1/cases/{s.record.case_id}/plans/{s.record.id}"
    return plan_out(s)


@router.post("/cases/{case_id}/plans", status_code=201, response_model=PlanOut, responses=responses(404))
def add_plan(case_id: uuid.UUID, body: Plan, session: SessionDep, who: TenantDep, response: Response) -> PlanOut:
    """Record a payment plan (acknowledgment of debt with instalments, art. 1988 c.c.). Refused (422, field
    named) when the instalments do not add up to `acknowledged`, dates are out of order, it acknowledges more
    than was owed when agreed, or an instalment falls after the credit prescribes."""
    row = casework.record_plan(session, who.tenant_id, case_id, body)
    return _created(casework.plan_standing(session, who.tenant_id, case_id, row.id), response)


@router.post("/cases/{case_id}/promises", status_code=201, response_model=PlanOut, responses=responses(404))
def add_promise(case_id: uuid.UUID, body: PromiseIn, session: SessionDep, who: TenantDep,
                response: Response) -> PlanOut:
    """Record a promise to pay (amount and date); a written one interrupts prescription (art. 2944 c.c.)."""
    row = casework.record_promise(session, who.tenant_id, case_id, amount=body.amount, due_date=body.due_date,
                                  promised_on=body.promised_on, written=body.written)
    return _created(casework.plan_standing(session, who.tenant_id, case_id, row.id), response)


@router.get("/cases/{case_id}/plans", response_model=list[PlanOut], responses=responses(404))
def list_plans(case_id: uuid.UUID, session: SessionDep, who: TenantDep, at: IsoDate = None) -> list[PlanOut]:
    """Every plan and promise of the case at `at` (default today), each kept, running or broken."""
    return [plan_out(s) for s in casework.case_plan_standings(session, who.tenant_id, case_id, at)]


@router.get("/cases/{case_id}/plans/{plan_id}", response_model=PlanOut, responses=responses(404))
def get_plan(case_id: uuid.UUID, plan_id: uuid.UUID, session: SessionDep, who: TenantDep,
             at: IsoDate = None) -> PlanOut:
    """The plan at `at` (default today): each instalment paid, late, partly paid, overdue or missed."""
    return plan_out(casework.plan_standing(session, who.tenant_id, case_id, plan_id, at))
