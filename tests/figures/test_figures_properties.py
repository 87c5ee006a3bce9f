"""Property tests: interest is additive over split periods (within a cent per split), never negative,
zero for zero days; statements always balance."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

from hypothesis import given, settings, strategies as st

from correspondence.figures import accrue, compute_statement, load_rates
from correspondence.figures.interest import RateSchedule, total
from correspondence.figures.rates import RateTable
from tests.figures.figcases import inv, make_case

# Packaged rows only (a folder without user rates): the autouse fixture is not active at import time.
TABLES = load_rates(Path(__file__).parent / "no-user-data")
FIRST, LAST = date(2013, 1, 1), date(2026, 12, 31)
money = st.integers(min_value=1, max_value=10**9).map(lambda c: D(c) / 100)
days = st.dates(min_value=FIRST, max_value=LAST)
table_names = st.sampled_from(sorted(TABLES))


def schedule(name: str) -> RateSchedule:
    table: RateTable = TABLES[name]
    return RateSchedule(table)


@settings(max_examples=300, deadline=None)
@given(name=table_names, base=money, a=days, b=days, split=st.floats(0, 1), leap=st.booleans())
def test_interest_is_additive_over_a_split(name, base, a, b, split, leap):
    first, last = min(a, b), max(a, b)
    cut = first + timedelta(days=int((last - first).days * split))
    whole = total(accrue("X", base, first, last, schedule(name), leap))
    parts = total(accrue("X", base, first, cut, schedule(name), leap)) + \
        total(accrue("X", base, cut + timedelta(days=1), last, schedule(name), leap))
    assert abs(whole - parts) <= D("0.01")


@settings(max_examples=200, deadline=None)
@given(name=table_names, base=money, a=days, b=days, leap=st.booleans())
def test_interest_never_negative_and_days_add_up(name, base, a, b, leap):
    first, last = min(a, b), max(a, b)
    pieces = accrue("X", base, first, last, schedule(name), leap)
    assert all(p.interest >= 0 and p.days > 0 and p.start.year == p.end.year for p in pieces)
    assert sum(p.days for p in pieces) == (last - first).days + 1
    assert all(p.interest == p.interest.quantize(D("0.01")) for p in pieces)


@given(name=table_names, base=money, day=days)
def test_zero_days_zero_interest(name, base, day):
    assert accrue("X", base, day, day - timedelta(days=1), schedule(name)) == ()


payments = st.lists(st.tuples(st.integers(0, 400), st.integers(1, 300_000), st.sampled_from([None, "A", "B"])),
                    max_size=4)


@settings(max_examples=60, deadline=None)
@given(language=st.sampled_from(["it", "es"]), debtor=st.sampled_from(["business", "consumer"]),
       amounts=st.tuples(st.integers(1, 500_000), st.integers(1, 500_000)), pays=payments,
       at_offset=st.integers(0, 500))
def test_statement_balances(language, debtor, amounts, pays, at_offset):
    start = date(2025, 1, 31)
    invoices = [inv("A", "2025-01-31", str(D(amounts[0]) / 100)), inv("B", "2025-03-31", str(D(amounts[1]) / 100))]
    plist = [{"date": (start + timedelta(days=d)).isoformat(), "amount": str(D(c) / 100), "invoice": i}
             for d, c, i in pays]
    case = make_case(language, date="2026-06-30", debtor=debtor, invoices=invoices, payments=plist,
                     claim__interest_from_demand="2025-02-15", claim__contract_date="2024-12-01")
    s = compute_statement(case, start + timedelta(days=at_offset))
    assert sum((a.amount for a in s.allocations), D(0)) == s.payments_total
    assert s.total_due == s.principal_outstanding + s.interest + s.compensation + s.costs
    assert s.principal_outstanding == s.principal - sum((a.to_principal for a in s.allocations), D(0))
    assert min(s.interest, s.compensation, s.principal_outstanding, s.total_due) >= 0
    assert s.interest == s.interest_accrued - sum((a.to_interest for a in s.allocations), D(0))
    if at_offset == 0:
        assert s.interest == 0
