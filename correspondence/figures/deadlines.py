"""Payment deadlines stated in letters: N calendar days, and the date they end.

Rule (per jurisdiction in `model.jurisdiction`, holidays in `model.calendar`):
- Both countries count calendar days and exclude the start day (IT art. 2963 c.2 c.c., art. 1187 c.c.;
  ES art. 5.1 CC): a 15-day term from 1 March ends on 16 March.
- Italy: a term ending on a public holiday (*giorno festivo*, Sundays included) is extended to the next
  non-holiday day (art. 2963 c.3 c.c.). Saturdays are not holidays for this civil rule (the Saturday
  extension of art. 155 c.5 c.p.c. concerns procedural acts only). Holidays are the national ones and the
  patron saint of the commune where payment is due (the creditor's domicile, art. 1182 c.3 c.c.).
- Spain: civil terms do not skip non-working days (art. 5.2 CC: "no se excluyen los días inhábiles").

A letter states its deadline in days from receipt; once the legal-effect date of delivery is known
(PEC delivery receipt, A/R card, burofax acuse), `deadline_from_effect` recomputes the date from it.
"""
from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
from datetime import date, datetime, timedelta

from ..errors import InputError
from ..model import Case, Jurisdiction
from ..model.calendar import Place, is_holiday
from ..model.jurisdiction import JURISDICTIONS, rules_for

RULES = {code: rules.deadline_rule for code, rules in JURISDICTIONS.items()}


def is_italian_holiday(day: date, place: Place | None = None) -> bool:
    """Sunday, Italian national holiday, or (with `place`) the commune's patron saint."""
    return is_holiday(day, Jurisdiction.IT, place)


def payment_place(case: Case) -> Place:
    """Where a money debt is paid, hence where its payment term runs: the creditor's domicile
    (art. 1182 c.3 c.c.; art. 1171 CC)."""
    address = case.creditor.address
    return Place(address.country, address.city, address.province, address.postal_code)


def deadline_date(start: date, days: int, jurisdiction: Jurisdiction, place: Place | None = None) -> date:
    """Last day of a term of `days` calendar days running from `start` (excluded), at `place` if known."""
    if days < 0:
        raise InputError("deadline_days", "must not be negative")
    end = start + timedelta(days=days)
    if rules_for(jurisdiction).term_moves_past_holidays:
        while is_holiday(end, jurisdiction, place):
            end += timedelta(days=1)
    return end


def deadline_from_effect(legal_effect: date | datetime, days: int, jurisdiction: Jurisdiction,
                         place: Place | None = None) -> date:
    """The deadline recomputed from the day delivery took legal effect (receipt, refusal, giacenza...)."""
    start = legal_effect.date() if isinstance(legal_effect, datetime) else legal_effect
    return deadline_date(start, days, jurisdiction, place)


@dataclass(frozen=True)
class Deadline:
    days: int
    date: dt.date
    start: dt.date  # letter date, or the legal-effect date once known
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
    return Deadline(days, deadline_date(start, days, case.jurisdiction, payment_place(case)), start,
                    legal_effect is not None,
                    RULES[case.jurisdiction])
