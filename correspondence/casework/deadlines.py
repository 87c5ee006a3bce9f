"""The deadlines work list: payment terms of dispatched letters that expire today or this week, and those
already expired on cases still owing money.

A dispatch's `deadline_at` is the last day of the payment term counted from the letter's legal effect on
the calendar of its jurisdiction (IT art. 2963 c.c.: a term ending on a holiday of the place of payment
moves to the next working day; ES art. 5 CC: calendar days, none skipped), see `figures.deadlines`;
"today" is the civil date in that jurisdiction's time zone.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import CaseRecord, Dispatch
from .cases import still_owing
from .standing import today_in

MAX_ROWS = 1000


@dataclass(frozen=True)
class Deadline:
    dispatch: Dispatch
    case: CaseRecord
    deadline: dt.date
    today: dt.date

    @property
    def expired(self) -> bool:
        return self.deadline < self.today


@dataclass(frozen=True)
class Deadlines:
    """Expired (oldest first), expiring today, and expiring later this week (Monday to Sunday)."""

    expired: list[Deadline] = field(default_factory=list)
    today: list[Deadline] = field(default_factory=list)
    this_week: list[Deadline] = field(default_factory=list)


def week_end(day: dt.date) -> dt.date:
    """The Sunday closing the ISO week of `day`."""
    return day + dt.timedelta(days=6 - day.weekday())


def deadlines(session: Session, tenant_id: uuid.UUID, *, today: dt.date | None = None) -> Deadlines:
    """The tenant's payment deadlines up to the end of this week; expired ones only while the case still
    owes something at its jurisdiction's today."""
    horizon = week_end(today or dt.date.today()) + dt.timedelta(days=1)  # time zones may be a day ahead
    stmt = (select(Dispatch, CaseRecord).join(CaseRecord, CaseRecord.id == Dispatch.case_id)
            .where(Dispatch.tenant_id == tenant_id, Dispatch.deadline_at.is_not(None),
                   Dispatch.deadline_at <= horizon)
            .order_by(Dispatch.deadline_at, Dispatch.id).limit(MAX_ROWS))
    out = Deadlines()
    owing: dict[uuid.UUID, bool] = {}
    for dispatch, case in session.execute(stmt):
        day = today or today_in(dispatch.jurisdiction)
        assert dispatch.deadline_at is not None
        entry = Deadline(dispatch, case, dispatch.deadline_at, day)
        if entry.deadline < day:
            if case.id not in owing:
                owing[case.id] = still_owing(session, case, day)
            if owing[case.id]:
                out.expired.append(entry)
        elif entry.deadline == day:
            out.today.append(entry)
        elif entry.deadline <= week_end(day):
            out.this_week.append(entry)
    return out
