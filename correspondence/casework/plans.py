"""Use cases of agreements with the debtor: record a payment plan or a promise to pay, see how it stands.

A plan is an acknowledgment of debt with instalments (art. 1988 c.c.; ES reconocimiento de deuda); a promise
is one amount on one date, and only a written one acknowledges the debt. Once signed, either interrupts
prescription (art. 2944 c.c., art. 1973 CC): the fold puts the latest recorded one on the case, so letters,
figures and the next step see it. Each function owns its transaction and refuses with the field named.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

from pydantic import ValidationError
from sqlalchemy.orm import Session

from ..casefile import validation_errors
from ..errors import InputError, NotFound
from ..figures import PlanFigures, check_plan, plan_figures, prescription
from ..model import Case, Plan, PlanType
from ..store import cases as store
from ..store import plans as plan_store
from ..store.models import PlanRecord
from .cases import find_case, transaction
from .standing import Standing, fold, plan_as_of, today_in


@dataclass(frozen=True)
class PlanStanding:
    """A recorded plan or promise, and its figures at `at` (instalments paid, late, missed; balance)."""

    record: PlanRecord
    plan: Plan
    figures: PlanFigures
    kept: bool
    broken: bool


def validated_plan(data: Mapping[str, Any] | Plan) -> Plan:
    """The plan as the model checks it (instalments add up, dates ascending), errors naming the field."""
    if isinstance(data, Plan):
        return data
    try:
        return Plan.model_validate(dict(data))
    except ValidationError as exc:
        raise validation_errors(exc) from None


def record_plan(session: Session, tenant_id: uuid.UUID, case_id: uuid.UUID, data: Mapping[str, Any] | Plan) -> PlanRecord:
    """Record a payment plan (or a promise). Refused when agreed or signed in the future, when it acknowledges
    more than the case owed on the day it was agreed, or when an instalment falls after the credit prescribes
    (counted from the signature, art. 2944 c.c., art. 1973 CC)."""
    plan = validated_plan(data)
    record = find_case(session, tenant_id, case_id)
    today = today_in(record.jurisdiction)
    for name in ("agreed_on", "signed_on"):
        day = getattr(plan, name)
        if day is not None and day > today:
            raise InputError(name, f"{day.isoformat()} is in the future")
    since = plan.since or today
    plan = plan.model_copy(update={"agreed_on": since})
    with transaction(session):
        store.lock_case(session, record)
        standing = fold(session, record, at=since)
        case = standing.case.model_copy(update={"plan": plan})
        try:
            check_plan(case, standing.statement.total_due, prescription(case, since).date)
        except InputError as exc:
            raise InputError(exc.field.removeprefix("plan."), exc.reason) from None
        row = plan_store.add_plan(session, record, type=plan.type.value, agreed_on=since,
                                  data=plan.model_dump(mode="json", exclude_none=True))
    return row


def record_promise(session: Session, tenant_id: uuid.UUID, case_id: uuid.UUID, *, amount: Decimal, due_date: dt.date,
                   promised_on: dt.date | None = None, written: bool = False) -> PlanRecord:
    """Record a promise to pay `amount` by `due_date`, made on `promised_on` (default today); a written promise
    is an acknowledgment of the debt and interrupts prescription (art. 2944 c.c., art. 1973 CC)."""
    record = find_case(session, tenant_id, case_id)
    on = promised_on or today_in(record.jurisdiction)
    data = {"type": PlanType.promise.value, "acknowledged": str(amount), "agreed_on": on.isoformat(),
            "instalments": [{"due_date": due_date.isoformat(), "amount": str(amount)}]}
    if written:
        data["signed_on"] = on.isoformat()
    try:
        plan = validated_plan(data)
    except InputError as exc:  # name the promise's own fields
        field = {"acknowledged": "amount", "instalments.0.due_date": "due_date", "instalments.0.amount": "amount",
                 "agreed_on": "promised_on"}.get(exc.field, exc.field)
        raise InputError(field, exc.reason) from None
    return record_plan(session, tenant_id, case_id, plan)


def plan_standing(session: Session, tenant_id: uuid.UUID, case_id: uuid.UUID, plan_id: uuid.UUID,
                  at: dt.date | None = None) -> PlanStanding:
    """One recorded plan as it stands at `at` (default today): each instalment paid, partly paid, late or
    missed, and the balance (the whole of it once a missed instalment made it due, art. 1186 c.c.)."""
    record = find_case(session, tenant_id, case_id)
    row = plan_store.get_plan(session, record, plan_id)
    if row is None:
        raise NotFound("plan")
    at = at or today_in(record.jurisdiction)
    if at < row.agreed_on:
        raise InputError("at", f"{at.isoformat()} is before the plan was agreed ({row.agreed_on.isoformat()})")
    return _standing_of(row, fold(session, record, at=at).case, at)


def case_plan_standings(session: Session, tenant_id: uuid.UUID, case_id: uuid.UUID,
                        at: dt.date | None = None, *, standing: Standing | None = None) -> list[PlanStanding]:
    """Every plan and promise of the case at `at`, oldest first (for the report: kept or broken). The case is
    folded once for all of them; a caller that already folded it at `at` passes its `standing`."""
    record = find_case(session, tenant_id, case_id)
    at = at or (standing.at if standing is not None else today_in(record.jurisdiction))
    rows = [row for row in plan_store.case_plans(session, record) if row.agreed_on <= at]
    if not rows:
        return []
    if standing is None or standing.at != at or standing.version != record.version:
        standing = fold(session, record, at=at)
    return [_standing_of(row, standing.case, at) for row in rows]


def _standing_of(row: PlanRecord, case: Case, at: dt.date) -> PlanStanding:
    """`row` on the folded `case` (payments and actions up to `at`) in place of the plan the fold chose."""
    plan = plan_as_of(row, at)
    figures = plan_figures(case.model_copy(update={"plan": plan}), at)
    return PlanStanding(row, plan, figures, figures.balance <= 0 and figures.broken_on is None,
                        figures.broken_on is not None)
