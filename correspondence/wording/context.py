"""What a wording template can see: the case, its figures and a few derived facts, never raw I/O.

Every statement a letter makes about the past is derived here from the case's actions (letters with their
channel and legal-effect date, calls, visits), its payments and the letter date, so the wording never says
that an earlier letter claimed an invoice that was not yet due, that nothing was paid when something was,
or that amicable steps were exhausted when none is recorded.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from ..figures import Prescription, Statement, compute_statement, letter_deadline, offer_figures, plan_figures
from ..figures.plan import InstalmentFigures, plan_start
from ..model import Action, ActionType, Case, CivilLaw, CreditType, DebtorType, DocumentKind
from ..errors import InputError
from .language import LanguagePack

LETTER_ACTIONS = frozenset({ActionType.letter, ActionType.legal_notice, ActionType.email})
TWO_YEARS_DAYS = 730


@dataclass(frozen=True)
class PriorLetter:
    """An earlier letter as the wording cites it: when, how it was sent and delivered, what it could claim."""

    date: dt.date
    type: str  # letter | legal_notice | email
    kind: str | None  # DocumentKind value when the service produced it
    channel: str | None  # DeliveryChannel value, or the free text recorded
    delivered_on: dt.date | None
    due: tuple[str, ...]  # invoice numbers already due on that letter's date (the only ones it could claim)
    all_due: bool  # every invoice of this letter was already due then

    @property
    def formal(self) -> bool:
        return self.type == "legal_notice" or self.kind == DocumentKind.legal_notice.value


def _prior_letters(case: Case, actions: list[Action]) -> list[PriorLetter]:
    out = []
    for a in actions:
        if a.type not in LETTER_ACTIONS:
            continue
        if a.date == case.date and a.document_kind is case.kind:
            continue  # this very letter, once recorded
        if a.document_kind is not None and a.document_kind.is_agreement:
            continue  # a plan, offer or receipt is not an earlier demand
        due = tuple(i.number for i in case.claim.invoices if i.due_date < a.date)
        out.append(PriorLetter(a.date, a.type.value, a.document_kind.value if a.document_kind else None,
                               a.channel, a.delivered_on, due, len(due) == len(case.claim.invoices)))
    return out


def _two_year_utilities(case: Case, prescription: Prescription) -> list[str]:
    """Invoices the debtor may refuse under L. 205/2017 art. 1 c.4-5: a domestic customer, micro-enterprise or
    professional, more than two years old at the letter date, and with no recorded interruption (a consumer is
    never invited to plead a prescription the case records as interrupted, art. 2943 c.4 c.c.)."""
    if case.credit_type is not CreditType.utilities or case.jurisdiction is None or case.jurisdiction.value != "IT":
        return []
    debtor = case.debtor
    if not (debtor.type is DebtorType.consumer or (debtor.type is DebtorType.business and debtor.size == "micro")):
        return []
    by_number = {p.invoice: p for p in prescription.invoices}
    return [i.number for i in case.claim.invoices
            if (case.date - i.due_date).days > TWO_YEARS_DAYS and by_number.get(i.number) is not None
            and by_number[i.number].years == 2 and not by_number[i.number].interrupted]


def wording_context(case: Case, statement: Statement, prescription: Prescription, pack: LanguagePack,
                    extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Variables for `templates/<lang>/wording/<kind>.j2`; documented in templates/README.md. The report
    also gets `assessment` (the pure rules of `correspondence.report`) and `annexes` (none unless given)."""
    earlier = [a for a in case.actions if a.date <= case.date]
    deadline = letter_deadline(case).date if case.deadline_days else None  # holidays where payment is due
    letters = _prior_letters(case, earlier)
    payments = [p for p in case.claim.payments if p.date <= case.date]
    calls = [a for a in earlier if a.type == ActionType.phone_call]
    visits = [a for a in earlier if a.type == ActionType.home_visit]
    context: dict[str, Any] = {
        "case": case,
        "creditor": case.creditor,
        "debtor": case.debtor,
        "representative": case.representative,
        "signatory": case.signatory,
        "claim": case.claim,
        "invoices": case.claim.invoices,
        "payments": payments,
        "paid": statement.payments_total > 0,
        "kind": case.kind.value,
        "tone": case.tone.value,
        "credit_type": case.credit_type.value,
        "debtor_type": case.debtor.type.value,
        "jurisdiction": case.jurisdiction.value if case.jurisdiction else "",
        "language": case.language.value,
        "consumer": not case.debtor.type.is_commercial,
        "business": case.debtor.type.is_commercial,
        "public_administration": case.debtor.type.value == "public_administration",
        "on_behalf": case.representative is not None,
        "catalan": case.civil_law is CivilLaw.catalan,
        "insolvency": case.insolvency,
        "figures": statement,
        "prescription": prescription,
        # only an extinctive prescription demotes a letter: a presumptive one (art. 2956 c.c.) does not
        "prescribed": prescription.extinctive,
        "presumptive": prescription.presumptive and prescription.status == "prescribed",
        "interrupted": prescription.interrupted,
        "two_year_utilities": _two_year_utilities(case, prescription),
        "waived": case.options.waive_charges,
        "deadline_days": case.deadline_days,
        "deadline_date": deadline,
        "deadline_shifted": bool(deadline and case.deadline_days and (deadline - case.date).days != case.deadline_days),
        "earlier_letters": letters,
        "calls": calls,
        "visits": visits,
        "history": bool(letters or calls or visits),
        "tracing": [a for a in earlier if a.type in (ActionType.tracing, ActionType.data_check, ActionType.asset_search)],
        "actions": earlier,
        "options": case.options,
        "report": case.report,
        "letter_date": case.date,
        "today": dt.date.today(),
    }
    context.update(agreement_context(case, statement))
    context.update(extra or {})
    if case.kind is DocumentKind.uncollectability_report:
        if "assessment" not in context:
            from ..report.assessment import assess  # pure rules over model and figures, no rendering

            context["assessment"] = assess(case, statement=statement)
        context.setdefault("annexes", [])
    return context


def agreement_context(case: Case, statement: Statement) -> dict[str, Any]:
    """`plan` and `schedule` (the `PlanFigures` at the letter date), `offer` (the `OfferFigures`) and `receipt`
    (the last payment up to the letter date, for a payment_receipt), each None when the case has none."""
    schedule = plan_figures(case) if case.plan is not None else None
    offer = offer_figures(case, statement.total_due) if case.kind is DocumentKind.settlement_offer else None
    paid = sorted((p for p in case.claim.payments if p.date <= case.date), key=lambda p: p.date)
    if case.kind is DocumentKind.payment_receipt and not paid:
        raise InputError("claim.payments", "a payment_receipt needs a payment received by the letter date")
    receipt = paid[-1] if paid and case.kind is DocumentKind.payment_receipt else None
    covered: tuple[InstalmentFigures, ...] = ()
    if receipt is not None and schedule is not None:
        covered = tuple(i for i in schedule.instalments if i.paid_on == receipt.date)
    unpaid = next((i for i in schedule.instalments if i.due_date < case.date and i.unpaid > 0), None) \
        if schedule is not None else None
    if case.kind is DocumentKind.missed_instalment and unpaid is None:
        raise InputError("plan", f"no instalment is overdue and unpaid on {case.date.isoformat()}")
    lapsed = None  # the conditional waiver of a plan acknowledging less than was owed, once it is broken
    if schedule is not None and schedule.accelerated and case.kind is DocumentKind.missed_instalment:
        owed = compute_statement(case, plan_start(case)).total_due
        lapsed = owed - schedule.acknowledged if owed > schedule.acknowledged else None
    return {"plan": case.plan, "schedule": schedule, "offer": offer, "receipt": receipt, "waiver_lapsed": lapsed,
            "receipt_instalments": covered, "settled": (schedule.balance <= 0) if schedule is not None else statement.total_due <= 0, "unpaid_instalment": unpaid}
