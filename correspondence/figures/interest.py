"""Simple daily interest, split into pieces that each carry one rate and one year length.

Convention (D.Lgs. 231/2002 art. 2 lett. e; STS 25/07/2000): simple interest, actual days, a 365-day
year (366 in leap years only with ``Options.leap_year_366``). A period counts the days *after* its start
date up to and including its end date, so interest on an invoice due on D starts on D + 1 (art. 4 c.1
D.Lgs. 231/2002). Each piece is rounded to the cent (ROUND_HALF_UP) and the pieces are summed, so a printed
table adds up exactly to its total.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable

from .rates import RateRow, RateTable, with_margin

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ONE_DAY = timedelta(days=1)


def cents(value: Decimal) -> Decimal:
    """Round to the cent, half up: the only rounding rule the figures use."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class InterestPeriod:
    """One piece of an interest computation: `start`..`end` inclusive are the days that accrue."""

    invoice: str
    start: date
    end: date
    days: int
    year_days: int
    rate: Decimal  # percent per year, e.g. Decimal("10.15")
    base: Decimal
    interest: Decimal
    source: str


@dataclass(frozen=True)
class RateSchedule:
    """Which rate applies on a day: a table, optionally with a statutory margin rule.

    `margin` maps a day to the margin to apply instead of the table's own (None keeps the row);
    `changes` are extra days on which that margin changes, so pieces split there too.
    """

    table: RateTable
    margin: Callable[[date], Decimal | None] = lambda day: None
    changes: tuple[date, ...] = ()
    describe: Callable[[date, RateRow], str] = lambda day, row: row.source

    def row_on(self, day: date) -> tuple[RateRow, str]:
        row = self.table.row_for(day)
        margin = self.margin(day)
        if margin is not None and margin != row.margin:
            row = with_margin(row, margin)
        return row, self.describe(day, row)

    def next_change(self, day: date) -> date:
        return min((c for c in self.changes if c > day), default=date.max)


def year_length(year: int, leap_year_366: bool) -> int:
    return 366 if leap_year_366 and calendar.isleap(year) else 365


def accrue(invoice: str, base: Decimal, first: date, last: date, schedule: RateSchedule,
           leap_year_366: bool = False) -> tuple[InterestPeriod, ...]:
    """Interest on `base` for the days `first`..`last` inclusive, one piece per rate and calendar year.

    Returns no pieces for a non-positive base or an empty range. Raises `RateMissingError` (naming the
    half-year or year) when the table has no rate for a day in the range.
    """
    if base <= 0 or last < first:
        return ()
    pieces: list[InterestPeriod] = []
    day = first
    while day <= last:
        row, source = schedule.row_on(day)
        end = min(last, row.end, date(day.year, 12, 31), schedule.next_change(day) - ONE_DAY)
        days = (end - day).days + 1
        year_days = year_length(day.year, leap_year_366)
        amount = cents(base * row.rate * days / (Decimal(100) * year_days))
        pieces.append(InterestPeriod(invoice, day, end, days, year_days, row.rate, base, amount, source))
        day = end + ONE_DAY
    return tuple(pieces)


def total(periods: tuple[InterestPeriod, ...] | list[InterestPeriod]) -> Decimal:
    return sum((p.interest for p in periods), ZERO)
