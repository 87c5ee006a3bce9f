"""Deadlines: calendar days from the day after the start; Italy skips Sundays and national holidays
(art. 2963 c.c.), Spain does not (art. 5 CC)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from correspondence.errors import InputError
from correspondence.figures import deadline_date, deadline_from_effect, is_italian_holiday, letter_deadline
from correspondence.model import Jurisdiction
from tests.figures.figcases import inv, make_case

IT, ES = Jurisdiction.IT, Jurisdiction.ES


@pytest.mark.parametrize("start,days,it_end,es_end", [
    ("2026-03-01", 15, "2026-03-16", "2026-03-16"),  # Monday: plain count, start day excluded
    ("2026-03-07", 15, "2026-03-23", "2026-03-22"),  # ends on Sunday 22 Mar: IT moves to Monday
    ("2026-03-06", 15, "2026-03-21", "2026-03-21"),  # ends on Saturday: not a holiday (civil rule)
    ("2026-03-22", 15, "2026-04-07", "2026-04-06"),  # Easter Monday 6 Apr 2026 (Easter 5 Apr)
    ("2026-11-23", 15, "2026-12-09", "2026-12-08"),  # Immacolata 8 Dec
    ("2026-12-10", 15, "2026-12-28", "2026-12-25"),  # Christmas, Santo Stefano, then Sunday 27 -> 28
    ("2026-09-19", 15, "2026-10-05", "2026-10-04"),  # 4 Oct 2026 is both a Sunday and San Francesco
    ("2026-02-01", 0, "2026-02-02", "2026-02-01"),   # zero days from Sunday 1 Feb: IT moves to Monday
])
def test_deadline_dates(start, days, it_end, es_end):
    assert deadline_date(date.fromisoformat(start), days, IT) == date.fromisoformat(it_end)
    assert deadline_date(date.fromisoformat(start), days, ES) == date.fromisoformat(es_end)


def test_italian_holidays():
    assert is_italian_holiday(date(2025, 4, 21))  # Easter Monday 2025
    assert is_italian_holiday(date(2027, 3, 29))  # Easter Monday 2027
    assert is_italian_holiday(date(2026, 6, 2)) and is_italian_holiday(date(2026, 4, 25))
    assert not is_italian_holiday(date(2026, 3, 21))  # a Saturday
    assert not is_italian_holiday(date(2025, 10, 4)) and is_italian_holiday(date(2027, 10, 4))


def test_negative_days_refused():
    with pytest.raises(InputError):
        deadline_date(date(2026, 1, 1), -1, IT)


def test_letter_deadline_from_letter_date_then_from_legal_effect():
    case = make_case("it", date="2026-11-23", invoices=[inv("A", "2026-10-31", "100.00")], deadline_days=15)
    before = letter_deadline(case)
    assert (before.days, before.date, before.start, before.from_effect) == (15, date(2026, 12, 9), case.date, False)
    assert "2963" in before.rule
    # PEC delivered on 27 Nov 2026 at 18:02 -> 27 Nov + 15 = 12 Dec 2026 (Saturday, kept).
    delivered = datetime(2026, 11, 27, 18, 2, tzinfo=timezone.utc)
    after = letter_deadline(case, delivered)
    assert (after.date, after.start, after.from_effect) == (date(2026, 12, 12), date(2026, 11, 27), True)
    assert deadline_from_effect(delivered, 15, IT) == date(2026, 12, 12)
    assert deadline_from_effect(date(2026, 11, 28), 15, IT) == date(2026, 12, 14)  # Sun 13 Dec -> Mon 14


def test_italian_term_skips_the_patron_saint_where_payment_is_due():
    # art. 2963 c.3 + art. 1182 c.3 c.c.: a term ending on 7 Dec runs on in Milan (Sant'Ambrogio), the
    # creditor's domicile, but not in Turin; 7 Dec 2026 + the 8 Dec Immacolata -> 9 Dec in Milan.
    from correspondence.model.calendar import Place

    assert deadline_date(date(2026, 11, 22), 15, IT) == date(2026, 12, 7)
    assert deadline_date(date(2026, 11, 22), 15, IT, Place("IT", "Milano", "MI")) == date(2026, 12, 9)
    assert deadline_date(date(2026, 6, 9), 15, IT, Place("IT", "Torino", "TO")) == date(2026, 6, 25)
    assert deadline_date(date(2026, 6, 9), 15, IT, Place("IT", "Milano", "MI")) == date(2026, 6, 24)
    assert deadline_date(date(2026, 6, 14), 15, IT, Place("IT", "Roma", "RM")) == date(2026, 6, 30)
    # Spain: civil terms run through holidays (art. 5.2 CC), even San Isidro in Madrid
    assert deadline_date(date(2026, 4, 30), 15, ES, Place("ES", "Madrid", "Madrid", "28001")) == date(2026, 5, 15)


def test_letter_deadline_uses_the_creditors_commune():
    case = make_case("it", date="2026-11-22", invoices=[inv("A", "2026-10-31", "100.00")], deadline_days=15)
    assert case.creditor.address.city == "Milano"
    assert letter_deadline(case).date == date(2026, 12, 9)
