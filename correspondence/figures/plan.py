"""Figures under an agreement: the instalment schedule, payments matched to it, and the settlement offer.

Schedule: each instalment repays its capital; agreed interest (``Plan.interest_rate``, simple, ACT/365,
rounded ROUND_HALF_UP to the cent per instalment) runs on the capital still deferred from the signing date
(else the letter date) to each due date. No default interest runs on a plan that is kept: the plan replaces
the claim's figures while it is honoured (the deferral is a new term, art. 1184 c.c. / art. 1127 CC).
Matching: payments from the signing date on pay the oldest instalment not yet covered, any surplus the next.
An instalment is `paid` when covered by its due date, `late` when covered after it, `partly_paid` or
`overdue` while short but within the grace period, `missed` once the grace period has run out unpaid, and
`pending` before its due date. The first missed instalment breaks the plan the day after its grace period;
with the acceleration clause the whole balance becomes due then (IT art. 1186 c.c., decadenza dal beneficio
del termine; ES vencimiento anticipado agreed in the plan, art. 1255 CC): the capital not yet due plus what
is unpaid of the instalments already due (agreed interest not yet accrued is not claimed).
Offer: the amount to pay is the total owed less the discount (rounded to the cent, ROUND_HALF_UP).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from ..errors import InputError
from ..model import Case, Payment, Plan
from .interest import CENT, ZERO

DAYS_IN_YEAR = Decimal(365)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class InstalmentFigures:
    number: int  # 1-based, as printed
    due_date: date
    capital: Decimal
    interest: Decimal  # agreed interest on the deferred capital
    amount: Decimal  # capital + interest
    paid: Decimal
    paid_on: Optional[date]  # the day it was covered in full
    grace_until: date
    status: str  # pending | paid | late | partly_paid | overdue | missed

    @property
    def unpaid(self) -> Decimal:
        return self.amount - self.paid


@dataclass(frozen=True)
class PlanFigures:
    at: date
    start: date
    acknowledged: Decimal
    rate: Optional[Decimal]
    interest_total: Decimal
    total: Decimal  # acknowledged + agreed interest
    paid: Decimal
    balance: Decimal  # total - paid (under the plan as agreed)
    overdue: Decimal  # unpaid part of the instalments already due
    instalments: tuple[InstalmentFigures, ...]
    broken_on: Optional[date]  # day after the grace period of the first missed instalment
    accelerated: bool
    balance_due: Decimal  # what may be claimed now: the accelerated balance, else what is overdue
    surplus: Decimal = ZERO

    @property
    def missed(self) -> tuple[InstalmentFigures, ...]:
        return tuple(i for i in self.instalments if i.status == "missed")

    @property
    def first_unpaid(self) -> Optional[InstalmentFigures]:
        return next((i for i in self.instalments if i.unpaid > 0), None)

    @property
    def kept(self) -> bool:
        """Every instalment paid, none ever missed."""
        return self.broken_on is None and all(i.status in ("paid", "late") for i in self.instalments)

    @property
    def capital_not_due(self) -> Decimal:
        return sum((i.capital for i in self.instalments if i.due_date >= self.at), ZERO)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def schedule(plan: Plan, start: date) -> list[tuple[date, Decimal, Decimal]]:
    """(due date, capital, agreed interest) per instalment: interest on the capital still deferred, simple,
    ACT/365 from the previous due date (the first from `start`), rounded to the cent."""
    rows, outstanding, previous = [], plan.acknowledged, start
    for item in plan.instalments:
        days = max((item.due_date - previous).days, 0)
        interest = cents(outstanding * (plan.interest_rate or ZERO) / HUNDRED * days / DAYS_IN_YEAR)
        rows.append((item.due_date, item.amount, interest))
        outstanding -= item.amount
        previous = max(previous, item.due_date)
    return rows


def plan_start(case: Case) -> date:
    """Interest and matching run from the signing date, else (a plan proposed by this letter) its date."""
    assert case.plan is not None
    return case.plan.since or case.date


def plan_payments(case: Case, at: date) -> list[Payment]:
    """The payments that count for the plan: made on or after it was agreed, up to `at`."""
    if case.plan is None or case.plan.since is None:
        return []
    since = case.plan.since
    return sorted((p for p in case.claim.payments if since <= p.date <= at), key=lambda p: p.date)


def plan_figures(case: Case, at: Optional[date] = None) -> PlanFigures:
    """The plan of `case` at `at` (default the letter date): schedule, status of each instalment, balance."""
    plan = case.plan
    if plan is None:
        raise InputError("plan", "the case has no plan")
    at = at or case.date
    start = plan_start(case)
    rows = schedule(plan, start)
    amounts = [capital + interest for _, capital, interest in rows]
    paid = [ZERO] * len(rows)
    paid_on: list[Optional[date]] = [None] * len(rows)
    index, surplus = 0, ZERO
    for payment in plan_payments(case, at):
        left = payment.amount
        while left > 0 and index < len(rows):
            part = min(left, amounts[index] - paid[index])
            paid[index] += part
            left -= part
            if paid[index] == amounts[index]:
                paid_on[index] = payment.date
                index += 1
        surplus += left
    grace = timedelta(days=plan.grace_days)
    items, broken_on = [], None
    for n, ((due, capital, interest), amount) in enumerate(zip(rows, amounts)):
        until = due + grace
        covered = paid_on[n]
        if covered is not None:
            status = "paid" if covered <= due else "late"
        elif at <= due:
            status = "partly_paid" if paid[n] else "pending"
        elif at <= until:
            status = "partly_paid" if paid[n] else "overdue"
        else:
            status = "missed"
        if broken_on is None and (status == "missed" or (covered is not None and covered > until)):
            broken_on = until + timedelta(days=1)
        items.append(InstalmentFigures(n + 1, due, capital, interest, amount, paid[n], covered, until, status))
    interest_total = sum((i.interest for i in items), ZERO)
    total = plan.acknowledged + interest_total
    paid_total = sum(paid, ZERO)
    overdue = sum((i.unpaid for i in items if i.due_date < at), ZERO)
    accelerated = plan.acceleration and any(i.status == "missed" for i in items)
    not_due = sum((i.capital - min(i.paid, i.capital) for i in items if i.due_date >= at), ZERO)
    balance_due = overdue + not_due if accelerated else overdue
    return PlanFigures(at, start, plan.acknowledged, plan.interest_rate, interest_total, total, paid_total,
                       total - paid_total, overdue, tuple(items), broken_on, accelerated, balance_due, surplus)


@dataclass(frozen=True)
class OfferFigures:
    total: Decimal  # total owed at the letter date
    to_pay: Decimal
    waived: Decimal
    discount: Decimal  # per cent, two decimals
    valid_until: date


def offer_figures(case: Case, total_due: Decimal) -> OfferFigures:
    """The settlement: `total_due` less the discount, or the fixed amount; refused when it waives nothing
    or everything (field named)."""
    offer = case.offer
    if offer is None:
        raise InputError("offer", "the case has no offer")
    if total_due <= 0:
        raise InputError("offer", "nothing is owed at the letter date: there is nothing to settle")
    if offer.amount is not None:
        if offer.amount >= total_due:
            raise InputError("offer.amount", f"{offer.amount} is not less than the {total_due} EUR owed: "
                                             "an offer must waive part of the total")
        to_pay = offer.amount
        discount = cents((total_due - to_pay) / total_due * HUNDRED)
    else:
        assert offer.discount is not None
        to_pay = total_due - cents(total_due * offer.discount / HUNDRED)
        discount = offer.discount
        if to_pay <= 0:
            raise InputError("offer.discount", f"a discount of {offer.discount}% leaves nothing to pay")
    return OfferFigures(total_due, to_pay, total_due - to_pay, discount, offer.valid_until)


def check_plan(case: Case, owed: Decimal, prescription_date: date) -> None:
    """A plan acknowledges at most what is owed when it is made, and no instalment falls after the date the
    credit prescribes (counted from the acknowledgment when signed, art. 2944 c.c., art. 1973 CC)."""
    plan = case.plan
    if plan is None:
        return
    if plan.acknowledged > owed:
        raise InputError("plan.acknowledged", f"{plan.acknowledged} is more than the {owed} EUR owed on "
                                              f"{plan_start(case).isoformat()}")
    for n, item in enumerate(plan.instalments):
        if item.due_date > prescription_date:
            raise InputError(f"plan.instalments.{n}.due_date",
                             f"{item.due_date.isoformat()} is after the credit prescribes "
                             f"({prescription_date.isoformat()})")
