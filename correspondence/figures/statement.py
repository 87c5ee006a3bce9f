"""The statement of account: interest per invoice and period, payments allocated, totals due.

Payments are processed in date order. On each payment date interest is first accrued up to and including
that day on the principal then outstanding; the payment then pays, within a debt:
IT art. 1194 c.c.: interest and costs (the invoice's 40 EUR, then the case's documented costs) before capital;
ES art. 1173 CC: interest before capital; the 40 EUR (Ley 3/2004 art. 8) and the costs are not interest, so
they come after the capital.
Which debt: the invoice the debtor named (``Payment.invoice``, IT art. 1193 c.1, ES art. 1172 CC), then
IT art. 1193 c.2 c.c.: debts already due before those not yet due, oldest first;
ES art. 1174 CC: among due debts of equal burden, pro rata (interest of all, then principal, then the rest).
Interest after a payment runs on the reduced principal. See `charges` for what is owed at all (net of
withholding, costs above the flat sum, interest stopped by insolvency, charges waived).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Mapping

from ..errors import InputError
from ..model import Case, Invoice, Jurisdiction, Payment
from .interest import CENT, ONE_DAY, ZERO, InterestPeriod, RateSchedule, accrue, total
from .rates import RateMissingError, RateTable, load_rates
from .charges import costs_above_flat_sum
from .regime import Regime, select_regime


@dataclass(frozen=True)
class InvoiceFigures:
    number: str
    due_date: date
    amount: Decimal
    principal_outstanding: Decimal
    interest: Decimal  # outstanding after allocations
    compensation: Decimal  # outstanding flat compensation (40 EUR if paid late, less any part paid)
    periods: tuple[InterestPeriod, ...]
    interest_accrued: Decimal = ZERO  # sum of the periods, before allocations
    late: bool = False  # still unpaid after its due date
    compensation_owed: Decimal = ZERO  # 40 EUR when late (before any part paid)
    withholding: Decimal = ZERO  # tax the debtor withholds for the tax office: not owed to the creditor


@dataclass(frozen=True)
class Allocation:
    """The part of one payment that went to one invoice (``invoice=None``: case costs and any surplus)."""

    date: date
    amount: Decimal
    to_interest: Decimal
    to_costs: Decimal
    to_principal: Decimal
    invoice: str | None
    surplus: Decimal = ZERO


@dataclass(frozen=True)
class Statement:
    at: date
    regime: str  # "commercial" | "legal" | "none"
    law: str  # "IT_DLGS_231_2002" | "IT_DLGS_198_2021" | "IT_CC_1284" | "ES_LEY_3_2004" | "ES_CC_1108" | "NONE"
    margin: Decimal | None
    day_count: str  # "ACT/365" | "ACT/ACT (366 in leap years)"
    invoices: tuple[InvoiceFigures, ...]
    allocations: tuple[Allocation, ...]
    principal: Decimal
    payments_total: Decimal
    principal_outstanding: Decimal
    interest: Decimal  # outstanding after allocations
    compensation: Decimal
    costs: Decimal
    total_due: Decimal
    notes: tuple[str, ...]
    interest_accrued: Decimal = ZERO
    surplus: Decimal = ZERO
    withholding: Decimal = ZERO  # sum of the invoices' withholding (principal is net of it)
    costs_documented: Decimal = ZERO  # documented costs up to `at`, before the flat-sum rule
    costs_recoverable: Decimal = ZERO  # the part owed (above the 40 EUR per invoice), before payments
    interest_until: date | None = None  # last day of accrual when insolvency stopped it
    rounding: str = "ROUND_HALF_UP to the cent per period piece; pieces summed"
    citations: tuple[str, ...] = ()

    @property
    def periods(self) -> tuple[InterestPeriod, ...]:
        return tuple(p for inv in self.invoices for p in inv.periods)


@dataclass
class _Debt:
    inv: Invoice
    index: int
    schedule: RateSchedule | None
    next_day: date | None
    principal: Decimal
    periods: list[InterestPeriod] = field(default_factory=list)
    interest_paid: Decimal = ZERO
    comp_owed: Decimal = ZERO
    comp_paid: Decimal = ZERO
    late: bool = False

    @property
    def interest_out(self) -> Decimal:
        return total(self.periods) - self.interest_paid

    @property
    def comp_out(self) -> Decimal:
        return self.comp_owed - self.comp_paid


@dataclass
class _Cost:
    amount: Decimal
    available: date  # first day a payment can be imputed to it
    paid: Decimal = ZERO


@dataclass
class _Row:
    interest: Decimal = ZERO
    costs: Decimal = ZERO
    principal: Decimal = ZERO
    surplus: Decimal = ZERO


class _Ledger:
    def __init__(self, case: Case, regime: Regime, at: date) -> None:
        self.case, self.regime, self.at = case, regime, at
        self.leap = case.options.leap_year_366
        self.stop = regime.interest_until()
        self.debts = [_Debt(inv, i, regime.schedule(inv), regime.first_day(inv), inv.net_amount)
                      for i, inv in enumerate(case.claim.invoices)]
        self.by_number = {d.inv.number: d for d in self.debts}
        self.costs: list[_Cost] = []
        self.allocations: list[Allocation] = []
        self.notes: list[str] = list(regime.notes)
        self.surplus = ZERO

    def accrue_to(self, day: date) -> None:
        if self.stop is not None:
            day = min(day, self.stop)
        for debt in self.debts:
            if debt.next_day is None or debt.schedule is None or day < debt.next_day:
                continue
            debt.periods += accrue(debt.inv.number, debt.principal, debt.next_day, day, debt.schedule, self.leap)
            debt.next_day = day + ONE_DAY

    def mark_late(self, debt: _Debt) -> None:
        """Called on the day after the due date: unpaid then means paid late (40 EUR per invoice)."""
        if debt.principal > 0:
            debt.late = True
            debt.comp_owed = self.regime.compensation(debt.inv)

    def pay(self, index: int, payment: Payment) -> None:
        self.accrue_to(payment.date)
        rows: dict[str | None, _Row] = {}
        left = payment.amount
        named = None
        if payment.invoice is not None:
            named = self.by_number.get(payment.invoice)
            if named is None:
                raise InputError(f"claim.payments.{index}.invoice",
                                 f"'{payment.invoice}' is not one of the claim's invoice numbers")
            left = self._pay_debt(named, left, payment.date, rows)
        others = [d for d in self.debts if d is not named]
        if self.case.jurisdiction is Jurisdiction.ES:
            left = self._pay_pro_rata(others, left, payment.date, rows)
        else:
            others.sort(key=lambda d: (d.inv.due_date > payment.date, d.inv.due_date, d.index))
            for debt in others:
                left = self._pay_debt(debt, left, payment.date, rows)
        if left > 0:
            rows.setdefault(None, _Row()).surplus += left
            self.surplus += left
            if "PAYMENT_SURPLUS" not in self.notes:
                self.notes.append("PAYMENT_SURPLUS")
        for number, row in rows.items():
            amount = row.interest + row.costs + row.principal + row.surplus
            if amount:
                self.allocations.append(Allocation(payment.date, amount, row.interest, row.costs, row.principal,
                                                   number, row.surplus))

    def _pay_debt(self, debt: _Debt, left: Decimal, day: date, rows: dict[str | None, _Row]) -> Decimal:
        row = rows.setdefault(debt.inv.number, _Row())
        take = min(left, debt.interest_out)
        debt.interest_paid += take; row.interest += take; left -= take  # noqa: E702
        spain = self.case.jurisdiction is Jurisdiction.ES
        if spain:  # art. 1173 CC: only interest comes before the capital
            take = min(left, debt.principal)
            debt.principal -= take; row.principal += take; left -= take  # noqa: E702
        take = min(left, debt.comp_out)
        debt.comp_paid += take; row.costs += take; left -= take  # noqa: E702
        left = self._pay_case_costs(left, day, rows)
        if not spain:
            take = min(left, debt.principal)
            debt.principal -= take; row.principal += take; left -= take  # noqa: E702
        return left

    def _pay_case_costs(self, left: Decimal, day: date, rows: dict[str | None, _Row]) -> Decimal:
        for cost in self.costs:
            if cost.available <= day and left > 0:
                take = min(left, cost.amount - cost.paid)
                if take:
                    cost.paid += take
                    rows.setdefault(None, _Row()).costs += take
                    left -= take
        return left

    def _pay_pro_rata(self, debts: list[_Debt], left: Decimal, day: date, rows: dict[str | None, _Row]) -> Decimal:
        due = [d for d in debts if d.inv.due_date <= day]
        later = [d for d in debts if d.inv.due_date > day]
        left = self._pro_rata_part(due, "interest_out", "interest_paid", "interest", left, rows)
        for group in (due, later):  # art. 1173 CC: the capital right after the interest
            shares = _pro_rata(left, [d.principal for d in group])
            for debt, share in zip(group, shares):
                debt.principal -= share
                rows.setdefault(debt.inv.number, _Row()).principal += share
                left -= share
        left = self._pro_rata_part(due, "comp_out", "comp_paid", "costs", left, rows)
        return self._pay_case_costs(left, day, rows)

    @staticmethod
    def _pro_rata_part(due: list[_Debt], attr: str, paid: str, part: str, left: Decimal,
                       rows: dict[str | None, _Row]) -> Decimal:
        shares = _pro_rata(left, [getattr(d, attr) for d in due])
        for debt, share in zip(due, shares):
            setattr(debt, paid, getattr(debt, paid) + share)
            row = rows.setdefault(debt.inv.number, _Row())
            setattr(row, part, getattr(row, part) + share)
            left -= share
        return left


def _pro_rata(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `amount` over `weights` in cents (never above a weight); whole weights if it covers them."""
    whole = sum(weights, ZERO)
    if amount <= 0 or whole <= 0:
        return [ZERO for _ in weights]
    if amount >= whole:
        return list(weights)
    shares = [(amount * w / whole).quantize(CENT, rounding=ROUND_DOWN) for w in weights]
    rest = amount - sum(shares, ZERO)
    order = sorted(range(len(weights)), key=lambda i: -(amount * weights[i] / whole - shares[i]))
    while rest > 0:
        for i in order:
            if rest > 0 and shares[i] < weights[i]:
                shares[i] += CENT
                rest -= CENT
    return shares


def compute_statement(case: Case, at: date | None = None, *,
                      tables: Mapping[str, RateTable] | None = None) -> Statement:
    """Interest, flat compensation, costs and payments for `case` as of `at` (default: the letter date).

    Raises `RateMissingError` (a ConfigurationError naming the half-year or year) when a rate is needed
    that the tables do not have, and `InputError` for a payment imputed to an unknown invoice.
    """
    at = at or case.date
    regime = select_regime(case, tables if tables is not None else load_rates())
    ledger = _run(case, regime, at, None)
    documented = sum((c.amount for c in ledger.costs), ZERO)
    if documented:  # D.Lgs. 231/2002 art. 6 c.2, Ley 3/2004 art. 8.1, Dir. 2011/7/EU art. 6(3)
        flat = sum((d.comp_owed for d in ledger.debts), ZERO)
        ledger = _run(case, regime, at, costs_above_flat_sum([c.amount for c in ledger.costs], flat))
        if flat:
            ledger.notes.append("COSTS_ABOVE_FLAT_SUM_ONLY")
    return _finish(case, regime, ledger, at, documented)


def _run(case: Case, regime: Regime, at: date, cost_amounts: list[Decimal] | None) -> _Ledger:
    """One pass of the ledger; `cost_amounts` replaces the documented costs' amounts (flat-sum rule)."""
    ledger = _Ledger(case, regime, at)
    consumer_costs = regime.kind != "commercial" or case.claim.delay_excused
    kept = [c for c in case.claim.costs if c.date is None or c.date <= at]
    if len(kept) < len(case.claim.costs):
        ledger.notes.append("COST_AFTER_AT_IGNORED")
    if not consumer_costs:
        amounts = cost_amounts if cost_amounts is not None else [c.amount for c in kept]
        ledger.costs = [_Cost(amount, c.date or at) for c, amount in zip(kept, amounts)]
    if consumer_costs and case.claim.costs:
        ledger.notes.append("COSTS_NOT_RECOVERABLE" if case.claim.delay_excused else "CONSUMER_COSTS_EXCLUDED")
    events: list[tuple[date, int, int]] = [(d.inv.due_date + ONE_DAY, 0, d.index) for d in ledger.debts
                                           if d.inv.due_date < at]
    for i, payment in enumerate(case.claim.payments):
        if payment.date > at:
            ledger.notes.append("PAYMENT_AFTER_AT_IGNORED")
        else:
            events.append((payment.date, 1, i))
    for day, kind, i in sorted(events):
        if kind == 0:
            ledger.mark_late(ledger.debts[i])
        else:
            ledger.pay(i, case.claim.payments[i])
    ledger.accrue_to(at)
    return ledger


def _finish(case: Case, regime: Regime, ledger: _Ledger, at: date, documented: Decimal) -> Statement:
    notes = ledger.notes
    if any(d.inv.due_date >= at for d in ledger.debts):
        notes.append("NOT_YET_DUE")
    five_years_ago = date(at.year - 5, at.month, 28 if (at.month, at.day) == (2, 29) else at.day)
    if any(p.start < five_years_ago for d in ledger.debts for p in d.periods):
        notes.append("INTEREST_OLDER_THAN_5_YEARS")  # IT art. 2948 n.4 c.c., ES art. 1966.3ª CC: check interruptions
    invoices = tuple(InvoiceFigures(d.inv.number, d.inv.due_date, d.inv.amount, d.principal, d.interest_out,
                                    d.comp_out, tuple(d.periods), total(d.periods), d.late, d.comp_owed,
                                    d.inv.amount - d.inv.net_amount)
                     for d in ledger.debts)
    margin = None
    if regime.kind == "commercial" and regime.table is not None:
        margins = set()
        for d in ledger.debts:
            if d.periods:
                last = d.periods[-1].end
                margins.add(regime.margin(d.inv, last) or regime.table.row_for(last).margin)
        if len(margins) > 1:
            notes.append("MIXED_MARGINS")
        margin = margins.pop() if len(margins) == 1 else None
    if regime.table is not None:
        for d in ledger.debts:
            for p in d.periods:
                row = regime.table.row_for(p.start)
                if row.status != "verified":
                    code = f"RATE_{row.status.upper()}:{row.table}:{row.period}"
                    if code not in notes:
                        notes.append(code)
    principal_out = sum((d.principal for d in ledger.debts), ZERO)
    interest = sum((i.interest for i in invoices), ZERO)
    compensation = sum((i.compensation for i in invoices), ZERO)
    costs = sum((c.amount - c.paid for c in ledger.costs), ZERO)
    payments = sum((p.amount for p in case.claim.payments if p.date <= at), ZERO)
    return Statement(
        at=at, regime=regime.kind, law=regime.law, margin=margin,
        day_count="ACT/ACT (366 in leap years)" if case.options.leap_year_366 else "ACT/365",
        invoices=invoices, allocations=tuple(ledger.allocations),
        principal=sum((d.inv.net_amount for d in ledger.debts), ZERO),
        payments_total=payments, principal_outstanding=principal_out, interest=interest,
        compensation=compensation, costs=costs, total_due=principal_out + interest + compensation + costs,
        notes=tuple(dict.fromkeys(notes)), interest_accrued=sum((i.interest_accrued for i in invoices), ZERO),
        surplus=ledger.surplus, citations=regime.citations,
        withholding=sum((i.withholding for i in invoices), ZERO), costs_documented=documented,
        costs_recoverable=sum((c.amount for c in ledger.costs), ZERO), interest_until=ledger.stop)




def rate_warnings(statement: Statement) -> list[str]:
    """Warnings for every rate the figures used that the tables do not mark verified: a derived rate was
    computed from the statutory formula (ECB rate + margin), an unverified one was not yet checked against
    its official publication (Gazzetta Ufficiale, BOE). A letter should not go out on either unchecked."""
    out = []
    for note in statement.notes:
        if note.startswith("RATE_"):
            status, table, period = note.removeprefix("RATE_").split(":", 2)
            out.append(f"the {table} rate for {period} is {status.lower()}: check it against its official "
                       "publication (`correspondence rates`) before sending")
    return out

__all__ = ["Allocation", "InvoiceFigures", "Statement", "compute_statement", "rate_warnings", "RateMissingError"]
