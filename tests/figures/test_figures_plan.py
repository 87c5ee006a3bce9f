"""The plan's figures: agreed interest per instalment, payments matched to instalments, the broken plan,
the offer to the cent, and the acknowledgment moving the prescription date. Expected values by hand."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from correspondence.casefile import build_case
from correspondence.figures import compute_statement, offer_figures, plan_figures, prescription
from tests.casedata import agreement_example


def _case(language="it", kind="payment_plan", payments=(), **changes):
    data = agreement_example(language, kind, **changes)
    data["claim"]["payments"] += [{"date": d, "amount": a} for d, a in payments]
    return build_case(data)


def test_agreed_interest_runs_on_the_deferred_capital():
    plan = plan_figures(_case())
    # 1 880,50 x 3% x 30/365 = 4,6368; 1 180,50 x 3% x 30/365 = 2,9108; 480,50 x 3% x 31/365 = 1,2243
    assert [i.interest for i in plan.instalments] == [D("4.64"), D("2.91"), D("1.22")]
    assert [i.amount for i in plan.instalments] == [D("704.64"), D("702.91"), D("481.72")]
    assert plan.interest_total == D("8.77") and plan.total == D("1889.27")


def test_a_payment_on_time_marks_its_instalment_paid_and_adds_no_default_interest():
    case = _case(payments=[("2026-10-30", "704.64")], date="2026-11-05")
    plan = plan_figures(case)
    assert [i.status for i in plan.instalments] == ["paid", "pending", "pending"]
    assert plan.paid == D("704.64") and plan.balance == D("1889.27") - D("704.64")
    assert plan.overdue == 0 and plan.balance_due == 0 and not plan.accelerated
    assert plan.balance == D("1184.63")  # 702,91 + 481,72: agreed interest only, no default interest


def test_partly_paid_late_and_missed_instalments():
    case = _case(payments=[("2026-11-05", "704.64"), ("2026-12-01", "300.00")], date="2026-12-05")
    statuses = [i.status for i in plan_figures(case).instalments]
    assert statuses == ["late", "partly_paid", "pending"]  # 2nd: due 30 Nov, grace to 10 Dec
    later = plan_figures(case, dt.date(2026, 12, 11))
    assert [i.status for i in later.instalments] == ["late", "missed", "pending"]


def test_a_missed_instalment_after_the_grace_period_makes_the_balance_due():
    case = _case(kind="missed_instalment")  # 1st paid 30 Oct, letter 20 Dec: 2nd missed (grace to 10 Dec)
    plan = plan_figures(case)
    assert plan.broken_on == dt.date(2026, 12, 11) and plan.accelerated
    # the whole 2nd instalment (702,91) plus the capital of the 3rd, not yet due (480,50)
    assert plan.overdue == D("702.91") and plan.capital_not_due == D("480.50")
    assert plan.balance_due == D("1183.41")


def test_without_acceleration_only_the_missed_instalment_is_due():
    plan = plan_figures(_case(kind="missed_instalment", plan__acceleration=False))
    assert plan.missed and not plan.accelerated and plan.balance_due == D("702.91")


def test_within_the_grace_period_nothing_is_missed():
    plan = plan_figures(_case(kind="missed_instalment", date="2026-12-08"))
    assert [i.status for i in plan.instalments] == ["paid", "overdue", "pending"]
    assert plan.broken_on is None and plan.balance_due == D("702.91")


def test_surplus_pays_the_next_instalment():
    plan = plan_figures(_case(payments=[("2026-10-20", "1000.00")], date="2026-11-05"))
    assert [(i.status, i.paid) for i in plan.instalments] == [("paid", D("704.64")), ("partly_paid", D("295.36")),
                                                             ("pending", D("0"))]


def test_the_offer_to_the_cent():
    # no interest, no compensation: the total is the outstanding capital, 1 880,50; 20% = 376,10
    case = _case(kind="settlement_offer", claim__interest=False, options__waive_charges=True)
    offer = offer_figures(case, compute_statement(case).total_due)
    assert (offer.total, offer.to_pay, offer.waived) == (D("1880.50"), D("1504.40"), D("376.10"))
    fixed = _case(kind="settlement_offer", claim__interest=False, options__waive_charges=True,
                  offer={"amount": "1500.00", "valid_until": "2026-12-15"})
    offer = offer_figures(fixed, D("1880.50"))
    assert offer.waived == D("380.50") and offer.discount == D("20.23")  # 380,50 / 1 880,50 = 20,234%


def test_the_signed_acknowledgment_moves_the_prescription_date():
    # Spanish consumer sale: 3 years (art. 1967.4ª CC); the earliest is F-2026/0155, due 15 May 2026
    # (F-2026/0101 was interrupted by the part payment of 20 May 2026 imputed to it)
    unsigned = _case("es", debtor__type="consumer", debtor__tax_id="12345678Z", plan__signed_on=None)
    signed = _case("es", debtor__type="consumer", debtor__tax_id="12345678Z")
    before, after = prescription(unsigned), prescription(signed)
    assert before.date == dt.date(2029, 5, 15) and before.invoice == "F-2026/0155" and not before.interrupted
    assert after.date == dt.date(2029, 10, 1) and after.interrupted and after.since == dt.date(2026, 10, 1)
