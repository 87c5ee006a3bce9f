"""Part payments: interest and costs before principal (art. 1194 c.c., art. 1173 CC), which debt they pay
(art. 1193 c.c. oldest first; art. 1174 CC pro rata; the debtor's own imputation first), and interest
running on the reduced principal afterwards. Figures hand-computed in the comments."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from correspondence.errors import InputError
from correspondence.figures import compute_statement
from tests.figures.figcases import inv, make_case


def rows(statement):
    return [(a.date.isoformat(), a.invoice, a.to_interest, a.to_costs, a.to_principal, a.amount)
            for a in statement.allocations]


def test_payment_covering_interest_only_then_one_reaching_principal():
    # 10000.00 due 31 Dec 2025, commercial IT at 10.15% (2026-H1), statement on 30 Apr 2026.
    # Payment 1, 31 Jan 2026, 50.00. Interest 1 Jan-31 Jan: 10000 x 10.15 x 31 / 36500 = 86.2054.. -> 86.21
    #   -> all 50.00 to interest; 36.21 interest still open; principal untouched.
    # Payment 2, 28 Feb 2026, 1000.00. Interest 1 Feb-28 Feb: 10000 x 10.15 x 28 / 36500 = 77.8630.. -> 77.86
    #   open interest 36.21 + 77.86 = 114.07 -> to interest 114.07, to the 40.00 compensation 40.00,
    #   to principal 1000 - 114.07 - 40 = 845.93; principal becomes 10000 - 845.93 = 9154.07.
    # After: 1 Mar-30 Apr = 61 days on 9154.07: 9154.07 x 10.15 x 61 / 36500 = 155.2806.. -> 155.28
    # Accrued 86.21 + 77.86 + 155.28 = 319.35; paid 50 + 114.07 = 164.07; open 155.28.
    # Total due 9154.07 + 155.28 = 9309.35.
    case = make_case("it", date="2026-04-30", invoices=[inv("A", "2025-12-31", "10000.00", "2025-12-01")],
                     payments=[{"date": "2026-01-31", "amount": "50.00"}, {"date": "2026-02-28", "amount": "1000.00"}])
    s = compute_statement(case)
    assert rows(s) == [("2026-01-31", "A", D("50.00"), D("0.00"), D("0.00"), D("50.00")),
                       ("2026-02-28", "A", D("114.07"), D("40.00"), D("845.93"), D("1000.00"))]
    assert [(p.start.isoformat(), p.end.isoformat(), p.base, p.interest) for p in s.periods] == [
        ("2026-01-01", "2026-01-31", D("10000.00"), D("86.21")),
        ("2026-02-01", "2026-02-28", D("10000.00"), D("77.86")),
        ("2026-03-01", "2026-04-30", D("9154.07"), D("155.28")),
    ]
    assert s.interest_accrued == D("319.35") and s.interest == D("155.28")
    assert s.principal_outstanding == D("9154.07") and s.compensation == 0 and s.payments_total == D("1050.00")
    assert s.total_due == D("9309.35")
    assert s.invoices[0].compensation_owed == D("40.00")


TWO = [inv("A", "2026-01-31", "1000.00"), inv("B", "2026-02-28", "1000.00")]


def test_it_unimputed_payment_goes_to_oldest_debt_first():
    # Payment 1200.00 on 31 Mar 2026. Interest A: 1 Feb-31 Mar = 59 days: 1000 x 10.15 x 59 / 36500 = 16.4068.. -> 16.41
    # interest B: 1 Mar-31 Mar = 31 days: 1000 x 10.15 x 31 / 36500 = 8.6205.. -> 8.62
    # A (older): 16.41 + 40.00 + 1000.00 = 1056.41; rest 143.59 to B: 8.62 + 40.00 + 94.97.
    s = compute_statement(make_case("it", date="2026-03-31", invoices=TWO,
                                    payments=[{"date": "2026-03-31", "amount": "1200.00"}]))
    assert rows(s) == [("2026-03-31", "A", D("16.41"), D("40.00"), D("1000.00"), D("1056.41")),
                       ("2026-03-31", "B", D("8.62"), D("40.00"), D("94.97"), D("143.59"))]
    assert s.principal_outstanding == D("905.03") and s.total_due == D("905.03")


def test_debtor_imputation_to_a_named_invoice_comes_first():
    # Same payment imputed by the debtor to B: B 8.62 + 40.00 + 1000.00 = 1048.62; rest 151.38 to A:
    # 16.41 + 40.00 + 94.97.
    s = compute_statement(make_case("it", date="2026-03-31", invoices=TWO,
                                    payments=[{"date": "2026-03-31", "amount": "1200.00", "invoice": "B"}]))
    assert rows(s) == [("2026-03-31", "B", D("8.62"), D("40.00"), D("1000.00"), D("1048.62")),
                       ("2026-03-31", "A", D("16.41"), D("40.00"), D("94.97"), D("151.38"))]
    assert [i.principal_outstanding for i in s.invoices] == [D("905.03"), D("0.00")]


def test_es_unimputed_payment_is_pro_rata_among_equal_debts():
    # Ley 3/2004, X 1000.00 and Y 3000.00 both due 31 Jan 2026; 500.00 paid on 2 Mar 2026 (30 days at 10.15%).
    # Interest X 1000 x 10.15 x 30 / 36500 = 8.3424.. -> 8.34; Y 3000 x 10.15 x 30 / 36500 = 25.0274.. -> 25.03
    # Art. 1173 CC: interest before capital, and the 40 EUR are not interest (issue 12 item 18): interest 33.37
    # is covered, the principal gets 500 - 33.37 = 466.63, split 1:3 -> X 116.6575 (116.65 + the leftover
    # cent = 116.66), Y 349.9725 -> 349.97; nothing is left for the compensation.
    case = make_case("es", date="2026-03-02", claim__contract_date="2025-01-10",
                     invoices=[inv("X", "2026-01-31", "1000.00"), inv("Y", "2026-01-31", "3000.00")],
                     payments=[{"date": "2026-03-02", "amount": "500.00"}])
    s = compute_statement(case)
    assert rows(s) == [("2026-03-02", "X", D("8.34"), D("0.00"), D("116.66"), D("125.00")),
                       ("2026-03-02", "Y", D("25.03"), D("0.00"), D("349.97"), D("375.00"))]
    assert s.principal_outstanding == D("3533.37") and s.compensation == D("80.00")


def test_documented_costs_are_paid_before_principal_and_refused_for_consumers():
    # 1000.00 due 31 Jan 2026, a documented cost of 150.00 on 15 Feb, 300.00 paid on 2 Mar.
    # Interest 1 Feb-2 Mar = 30 days: 1000 x 10.15 x 30 / 36500 = 8.3424.. -> 8.34
    # Only the costs above the 40 EUR flat sum are owed (D.Lgs. 231/2002 art. 6 c.2): 150 - 40 = 110.00.
    # 300 -> interest 8.34, compensation 40.00, case costs 110.00, principal 141.66.
    costs = [{"description": "Visura camerale e diritti", "amount": "150.00", "date": "2026-02-15"}]
    s = compute_statement(make_case("it", date="2026-03-02", invoices=[inv("A", "2026-01-31", "1000.00")],
                                    payments=[{"date": "2026-03-02", "amount": "300.00"}], claim__costs=costs))
    assert rows(s) == [("2026-03-02", "A", D("8.34"), D("40.00"), D("141.66"), D("190.00")),
                       ("2026-03-02", None, D("0.00"), D("110.00"), D("0.00"), D("110.00"))]
    assert s.costs == 0 and s.principal_outstanding == D("858.34")
    unpaid = compute_statement(make_case("it", date="2026-03-02", invoices=[inv("A", "2026-01-31", "1000.00")],
                                         claim__costs=costs))
    assert unpaid.costs == D("110.00") and unpaid.total_due == D("1000.00") + D("8.34") + D("40.00") + D("110.00")
    consumer = compute_statement(make_case("it", date="2026-03-02", debtor="consumer",
                                           invoices=[inv("A", "2026-01-31", "1000.00")], claim__costs=costs))
    assert consumer.costs == 0 and "CONSUMER_COSTS_EXCLUDED" in consumer.notes


def test_payment_before_due_date_avoids_lateness_and_surplus_is_reported():
    # Paid in full on the due date: not late, no interest, no 40 EUR.
    s = compute_statement(make_case("it", date="2026-03-31", invoices=TWO,
                                    payments=[{"date": "2026-01-31", "amount": "1000.00", "invoice": "A"}]))
    assert s.invoices[0].late is False and s.invoices[0].compensation_owed == 0 and s.invoices[0].periods == ()
    assert s.compensation == D("40.00")  # only B is late
    over = compute_statement(make_case("it", date="2026-03-31", invoices=TWO,
                                       payments=[{"date": "2026-01-31", "amount": "2500.00"}]), date(2026, 1, 31))
    assert over.surplus == D("500.00") and "PAYMENT_SURPLUS" in over.notes and over.total_due == 0
    assert sum(a.amount for a in over.allocations) == D("2500.00")


def test_payment_to_unknown_invoice_is_an_input_error():
    case = make_case("it", date="2026-03-31", invoices=TWO,
                     payments=[{"date": "2026-03-01", "amount": "10.00", "invoice": "Z"}])
    with pytest.raises(InputError) as err:
        compute_statement(case)
    assert err.value.field == "claim.payments.0.invoice"
