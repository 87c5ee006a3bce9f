"""The staff's list of cases, filtered by phase, next-step due date, debtor and amount still owed; each
case folded as it stands today (the same figures and next step the case page and the letters use)."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from ..store import cases as store
from ..store.models import CaseRecord
from .standing import Standing, fold
from .steps import NextStep, next_step

MAX_SCAN = 2000  # cases folded for one list


@dataclass(frozen=True)
class CaseFilter:
    """Unset fields do not filter. `debtor` matches name, reference or tax id (case-insensitive);
    `min_owed` / `max_owed` bound the total due today; `due` keeps next steps due on or before it."""

    phase: str | None = None
    due: dt.date | None = None
    debtor: str | None = None
    min_owed: Decimal | None = None
    max_owed: Decimal | None = None

    def keeps(self, record: CaseRecord, standing: Standing, step: NextStep) -> bool:
        owed = standing.statement.total_due
        if self.phase and step.phase != self.phase:
            return False
        if self.due is not None and (step.due is None or step.due > self.due or step.step == "close"):
            return False
        if self.debtor:
            needle = self.debtor.casefold()
            tax_id = str(record.data.get("debtor", {}).get("tax_id", ""))
            if not any(needle in (text or "").casefold() for text in (record.debtor_name, record.reference, tax_id)):
                return False
        if self.min_owed is not None and owed < self.min_owed:
            return False
        return self.max_owed is None or owed <= self.max_owed


@dataclass(frozen=True)
class WorkItem:
    record: CaseRecord
    standing: Standing
    step: NextStep


def work_list(session: Session, tenant_id: uuid.UUID, where: CaseFilter = CaseFilter(), *,
              limit: int = 200) -> list[WorkItem]:
    """The tenant's cases that pass `where`, overdue next steps first, then by due date."""
    items = []
    for record in store.list_cases(session, tenant_id, limit=MAX_SCAN):
        standing = fold(session, record)
        step = next_step(standing)
        if where.keeps(record, standing, step):
            items.append(WorkItem(record, standing, step))
    items.sort(key=lambda i: (not i.step.overdue, i.step.due or dt.date.max, i.record.debtor_name))
    return items[:limit]
