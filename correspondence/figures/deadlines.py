"""Payment deadlines stated in letters: N calendar days, and the date they end.

Rule (kept deliberately simple; see docs in the report and shared/domain):
- Both countries count calendar days and exclude the start day (IT art. 2963 c.2 c.c., art. 1187 c.c.;
  ES art. 5.1 CC): a 15-day term from 1 March ends on 16 March.
- Italy: a term ending on a public holiday (*giorno festivo*, Sundays included) is extended to the next
  non-holiday day (art. 2963 c.3 c.c.). Saturdays are not holidays for this civil rule (the Saturday
  extension of art. 155 c.5 c.p.c. concerns procedural acts only). National holidays only; local patron
  saints' days are not applied.
- Spain: civil terms do not skip non-working days (art. 5.2 CC: "no se excluyen los días inhábiles").

A letter states its deadline in days from receipt; once the legal-effect date of delivery is known
(PEC delivery receipt, A/R card, burofax acuse), `deadline_from_effect` recomputes the date from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from ..errors import InputError
from ..model import Case, Jurisdiction

RULES = {
    Jurisdiction.IT: "calendar days excluding the start day; a term ending on a Sunday or national holiday "
                     "moves to the next working day (artt. 1187, 2963 c.c.)",
    Jurisdiction.ES: "calendar days excluding the start day; non-working days are not excluded (art. 5 CC)",
}


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return date(year, month, day)


@lru_cache(maxsize=64)
def italian_holidays(year: int) -> frozenset[date]:
    """National public holidays (L. 260/1949 as amended; 4 October again from 2026, L. 151/2025)."""
    fixed = [(1, 1), (1, 6), (4, 25), (5, 1), (6, 2), (8, 15), (11, 1), (12, 8), (12, 25), (12, 26)]
    if year >= 2026:
        fixed.append((10, 4))
    days = {date(year, m, d) for m, d in fixed}
    days.add(_easter(year) + timedelta(days=1))  # Lunedì dell'Angelo
    return frozenset(days)


def is_italian_holiday(day: date) -> bool:
    return day.weekday() == 6 or day in italian_holidays(day.year)


def deadline_date(start: date, days: int, jurisdiction: Jurisdiction) -> date:
    """Last day of a term of `days` calendar days running from `start` (excluded)."""
    if days < 0:
        raise InputError("deadline_days", "must not be negative")
    end = start + timedelta(days=days)
    if jurisdiction is Jurisdiction.IT:
        while is_italian_holiday(end):
            end += timedelta(days=1)
    return end


def deadline_from_effect(legal_effect: date | datetime, days: int, jurisdiction: Jurisdiction) -> date:
    """The deadline recomputed from the day delivery took legal effect (receipt, refusal, giacenza...)."""
    start = legal_effect.date() if isinstance(legal_effect, datetime) else legal_effect
    return deadline_date(start, days, jurisdiction)


@dataclass(frozen=True)
class Deadline:
    days: int
    date: date
    start: date  # letter date, or the legal-effect date once known
    from_effect: bool
    rule: str


def letter_deadline(case: Case, legal_effect: date | datetime | None = None) -> Deadline:
    """The letter's deadline: from the letter date until delivery is known, then from its legal effect."""
    assert case.jurisdiction is not None
    days = case.deadline_days or 0
    if legal_effect is None:
        start = case.date
    else:
        start = legal_effect.date() if isinstance(legal_effect, datetime) else legal_effect
    return Deadline(days, deadline_date(start, days, case.jurisdiction), start, legal_effect is not None,
                    RULES[case.jurisdiction])
