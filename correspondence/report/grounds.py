"""The shape of an assessment: each ground of each rule met, not met or not applicable, with the reason
(a machine code the wording turns into text), the evidence it rests on and the dates that run."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import TypedDict, Unpack

from ..model import Action


class Status(str, Enum):
    met = "met"
    not_met = "not_met"
    not_applicable = "not_applicable"


@dataclass(frozen=True)
class InvoiceTest:
    """One invoice under one ground: its own dates (ES VAT windows run from each invoice's devengo)."""

    number: str
    met: bool
    reason: str
    due_date: dt.date
    outstanding: Decimal
    from_date: dt.date | None = None      # when the ground's period started (due date, devengo)
    elapsed_on: dt.date | None = None     # when the period elapses
    deadline: dt.date | None = None       # last day to act (factura rectificativa)
    notice_by: dt.date | None = None      # ES: AEAT notice (modelo 952) at the latest
    vat: Decimal | None = None


@dataclass(frozen=True)
class Ground:
    code: str                 # e.g. "it.income.small_credit"; the wording keys its text on it
    status: Status
    reason: str               # machine code, e.g. "overdue_six_months", "no_business_income"
    evidence: tuple[Action, ...] = ()
    dates: dict[str, dt.date] = field(default_factory=dict)
    invoices: tuple[InvoiceTest, ...] = ()
    missing: tuple[str, ...] = ()
    amount: Decimal | None = None

    @property
    def met(self) -> bool:
        return self.status is Status.met


class GroundDetails(TypedDict, total=False):
    """The optional parts of a Ground, as `ground` takes them by keyword."""

    evidence: tuple[Action, ...]
    dates: dict[str, dt.date]
    invoices: tuple[InvoiceTest, ...]
    missing: tuple[str, ...]
    amount: Decimal | None


def ground(code: str, status: Status, reason: str, **kw: Unpack[GroundDetails]) -> Ground:
    return Ground(code, status, reason, **kw)
