"""Payment plans and promises recorded on a case: append-only rows (flushed, never committed here)."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import InputError
from .models import CaseRecord, PlanRecord

MAX_PLANS = 100  # plans and promises on one case


def add_plan(session: Session, record: CaseRecord, *, type: str, agreed_on: dt.date, data: dict[str, Any]) -> PlanRecord:
    """Append a plan or promise (the casework use case owns the transaction)."""
    count = session.scalar(select(func.count()).select_from(PlanRecord).where(PlanRecord.case_id == record.id))
    if (count or 0) >= MAX_PLANS:
        raise InputError("plans", f"a case holds at most {MAX_PLANS} plans and promises")
    row = PlanRecord(tenant_id=record.tenant_id, case_id=record.id, type=type, agreed_on=agreed_on, data=data)
    session.add(row)
    session.flush()
    return row


def case_plans(session: Session, record: CaseRecord) -> list[PlanRecord]:
    """The case's plans and promises, oldest agreement first."""
    return list(session.scalars(select(PlanRecord).where(PlanRecord.case_id == record.id)
                                .order_by(PlanRecord.agreed_on, PlanRecord.created_at)))


def get_plan(session: Session, record: CaseRecord, plan_id: uuid.UUID) -> PlanRecord | None:
    return session.scalar(select(PlanRecord).where(PlanRecord.case_id == record.id, PlanRecord.id == plan_id))
