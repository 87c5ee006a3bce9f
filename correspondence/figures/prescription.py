"""Prescription (statute of limitations) per invoice, from its due date or its last interruption.

Terms (shared/domain/legal-it-es.md §3); where the sources disagree the *shorter* term is used, so a
letter never threatens action on a credit that may be time-barred:
- IT: 10 years art. 2946 c.c. (commercial; loans and instalment sales from the last instalment, one
  obligation); 5 years art. 2948 n.3 (rents) and n.4 (condominium, utilities before L. 205/2017);
  3 years art. 2956 n.2 (professional fees, presumptive: it presumes payment, the creditor may still sue and
  defer the oath, art. 2960, and an admission defeats it, art. 2959; it runs from completion of the work when
  known, art. 2957 -- ``Invoice.completed_on``); 2 years L. 205/2017 art. 1 c.4 (utilities due from 1 Mar
  2018) only for domestic customers, micro-enterprises and professionals (``Debtor.size`` micro, or unknown:
  the shorter term); small, medium and large businesses and public administrations keep 5 years (art. 2948 n.4).
- ES: 5 years art. 1964.2 CC (15 before 7 Oct 2015, capped at 7 Oct 2020 by Ley 42/2015 DT 5ª);
  5 years art. 1966 (rents, condominium); 3 years art. 1967 (professional fees; sales and utilities to
  consumers); 4 years for claims against a public administration (art. 25.1 Ley 47/2003 General
  Presupuestaria; the regional finance laws set the same term). Catalan civil law (``Case.civil_law``):
  10 years general (art. 121-20 CCCat), 3 years for periodic payments (rent, condominium, utilities),
  professional fees and sales to consumers (art. 121-21 a-b CCCat). RD 463/2020 DA 4ª: terms running on
  14 Mar 2020 end 82 days later.
Interruptions: a written demand proven delivered (IT art. 2943 c.4, ES art. 1973) -- ``Case.actions`` of
type letter / legal_notice with ``delivered_on`` (the legal-effect date the dispatch evidence gives; the
casework fold fills it), or recorded by hand with an outcome that starts with "delivered" (or consegnat-, ricevut-, compiuta
giacenza, rifiutat-, entregad-, recibid-, rehusad-, refused) -- explicit dates, and part payments imputed
to the invoice (acknowledgment, IT art. 2944, ES art. 1973), and a signed payment plan or written promise
(``Case.plan.signed_on``), which acknowledges every invoice. The full term restarts from the interruption.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
import datetime as dt
from datetime import date, timedelta
from typing import Sequence

from ..errors import InputError
from ..model import ActionType, Case, CivilLaw, CreditType, DebtorType, Invoice, Jurisdiction
from ..model.jurisdiction import ITALY, SPAIN

EXPIRING_DAYS = 90
DELIVERED_PREFIXES = ("delivered", "received", "refused", "consegnat", "ricevut", "compiuta giacenza", "rifiutat",
                      "entregad", "recibid", "rehusad")
IT_UTILITIES_2Y = date(2018, 3, 1)
ES_LEY_42_2015 = date(2015, 10, 7)
ES_TRANSITION_END = date(2020, 10, 7)
ES_TRANSITION_END_COVID = date(2020, 12, 27)  # domain §3.2: the 7 Oct 2020 cap moved to 27 Dec 2020
ES_COVID_START, ES_COVID_DAYS = date(2020, 3, 14), 82
SINGLE_OBLIGATION_IT = frozenset({CreditType.consumer_credit, CreditType.installment_sale})


@dataclass(frozen=True)
class Prescription:
    date: dt.date  # last day on which the credit can still be claimed or interrupted
    years: int
    article: str
    status: str  # "ok" | "expiring" | "prescribed"
    since: dt.date  # due date (or last instalment) or last interruption
    invoice: str | None = None
    presumptive: bool = False  # IT arts. 2954-2961: presumes payment, rebuttable by oath or admission
    interrupted: bool = False
    days_left: int = 0
    invoices: tuple["Prescription", ...] = ()  # per-invoice detail on the governing result

    @property
    def may_threaten_action(self) -> bool:
        """Letters must never threaten legal action on a prescribed credit. A presumptive prescription
        (arts. 2954-2961 c.c.) extinguishes nothing: the creditor may still sue and defer the oath."""
        return self.status != "prescribed" or self.presumptive

    @property
    def extinctive(self) -> bool:
        """Prescribed in the full sense: the debt can no longer be enforced (art. 2934 c.c., art. 1930 CC)."""
        return self.status == "prescribed" and not self.presumptive

    @property
    def warning(self) -> str | None:
        """The warning the CLI, the API and letter generation give, or None when there is nothing to say."""
        if self.status == "prescribed" and self.presumptive:
            return (f"invoice {self.invoice}: presumptive prescription since {self.date.isoformat()} "
                    f"({self.article}); payment is presumed, rebuttable by the debtor's admission (art. 2959) "
                    "or by the oath (art. 2960)")
        if self.status == "prescribed":
            return (f"invoice {self.invoice} prescribed on {self.date.isoformat()} ({self.article}); "
                    "do not threaten legal action")
        if self.status == "expiring":
            return (f"invoice {self.invoice} prescribes on {self.date.isoformat()} ({self.days_left} days, "
                    f"{self.article}); interrupt it with a delivered demand")
        return None


def _small_utility_customer(case: Case) -> bool:
    """L. 205/2017 art. 1 c.4: domestic customers, micro-enterprises and professionals (size unknown counts)."""
    debtor = case.debtor
    if debtor.type is DebtorType.consumer:
        return True
    return debtor.type is DebtorType.business and debtor.size in (None, "micro")


def _term(case: Case, inv: Invoice) -> tuple[int, str, bool]:
    ct, debtor = case.credit_type, case.debtor.type
    if case.jurisdiction is Jurisdiction.IT:
        if ct is CreditType.professional_fees:
            return 3, "art. 2956 n.2 c.c.", True
        if ct is CreditType.rent:
            return 5, "art. 2948 n.3 c.c.", False
        if ct is CreditType.condominium:
            return 5, "art. 2948 n.4 c.c.", False
        if ct is CreditType.utilities:
            if inv.due_date >= IT_UTILITIES_2Y and _small_utility_customer(case):
                return 2, "L. 205/2017 art. 1 c.4", False
            return 5, "art. 2948 n.4 c.c.", False
        return ITALY.prescription_years, ITALY.prescription_article, False
    if debtor is DebtorType.public_administration:
        return 4, "art. 25.1 Ley 47/2003", False
    if case.civil_law is CivilLaw.catalan:
        periodic = ct in (CreditType.rent, CreditType.condominium, CreditType.utilities)
        if periodic or ct is CreditType.professional_fees or (ct is CreditType.commercial and
                                                              debtor is DebtorType.consumer):
            return 3, "art. 121-21 CCCat", False
        return 10, "art. 121-20 CCCat", False
    if ct is CreditType.professional_fees:
        return 3, "art. 1967.1ª CC", False
    if ct in (CreditType.commercial, CreditType.utilities) and debtor is DebtorType.consumer:
        return 3, "art. 1967.4ª CC", False
    if ct is CreditType.rent:
        return 5, "art. 1966.2ª CC", False
    if ct is CreditType.condominium:
        return 5, "art. 1966.3ª CC", False
    return SPAIN.prescription_years, SPAIN.prescription_article, False


def _add_years(day: date, years: int) -> date:
    year = day.year + years
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def _expiry(case: Case, since: date, years: int, article: str) -> tuple[date, int]:
    """Last day of the term started on `since`, with the Spanish transitional and COVID rules."""
    end = _add_years(since, years)
    if case.jurisdiction is Jurisdiction.ES:
        if article == SPAIN.prescription_article and since < ES_LEY_42_2015:
            years, end = 15, _add_years(since, 15)
            if end >= ES_TRANSITION_END:
                return ES_TRANSITION_END_COVID, years
        if since < ES_COVID_START <= end:
            end += timedelta(days=ES_COVID_DAYS)
    return end, years


def _delivered(outcome: str | None) -> bool:
    return outcome is not None and outcome.strip().lower().startswith(DELIVERED_PREFIXES)


def case_interruptions(case: Case, inv: Invoice) -> list[date]:
    """Interruptions recorded on the case that reach this invoice."""
    # a demand interrupts (art. 2943 c.4 c.c.); a plan, offer or receipt sent is not a demand
    letters = [a for a in case.actions if a.type in (ActionType.letter, ActionType.legal_notice)
               and not (a.document_kind is not None and a.document_kind.is_agreement)]
    # a letter interrupts from the day it took legal effect (delivered_on, from the dispatch evidence);
    # a letter recorded by hand with a "delivered..." outcome, from its date
    dates = [a.delivered_on if a.delivered_on is not None else a.date for a in letters
             if a.delivered_on is not None or _delivered(a.outcome)]
    single = len(case.claim.invoices) == 1
    dates += [p.date for p in case.claim.payments if p.invoice == inv.number or (p.invoice is None and single)]
    if case.plan is not None and case.plan.signed_on is not None:
        dates.append(case.plan.signed_on)  # a signed acknowledgment of the whole debt (art. 2944 c.c., art. 1973 CC)
    return dates


def invoice_prescription(case: Case, inv: Invoice, at: date, interruptions: Sequence[date] = ()) -> Prescription:
    years, article, presumptive = _term(case, inv)
    start = inv.due_date
    if presumptive and inv.completed_on is not None:
        start = inv.completed_on  # art. 2957 c.c.: from the completion of the work
    if case.jurisdiction is Jurisdiction.IT and case.credit_type in SINGLE_OBLIGATION_IT:
        start = max(i.due_date for i in case.claim.invoices)  # one obligation: from the last instalment
    candidates = [d for d in [*interruptions, *case_interruptions(case, inv)] if start < d <= at]
    since = start
    base_years = years
    end, years = _expiry(case, since, base_years, article)
    for d in sorted(candidates):  # an interruption only counts while the term is still running
        if d <= end:
            since = d
            end, years = _expiry(case, since, base_years, article)
    left = (end - at).days
    status = "prescribed" if left < 0 else "expiring" if left <= EXPIRING_DAYS else "ok"
    return Prescription(end, years, article, status, since, inv.number, presumptive, since != start, left)


def prescription(case: Case, at: date | None = None, interruptions: Sequence[date] = ()) -> Prescription:
    """The governing (earliest) prescription of the claim, with per-invoice detail in `.invoices`."""
    at = at or case.date
    items = tuple(invoice_prescription(case, inv, at, interruptions) for inv in case.claim.invoices)
    first = min(items, key=lambda p: (p.date, p.invoice or ""))
    return Prescription(first.date, first.years, first.article, first.status, first.since, first.invoice,
                        first.presumptive, first.interrupted, first.days_left, items)


def may_threaten_action(case: Case, at: date | None = None, interruptions: Sequence[date] = ()) -> bool:
    return prescription(case, at, interruptions).may_threaten_action


def assert_may_demand(case: Case, at: date | None = None, interruptions: Sequence[date] = ()) -> None:
    """Refuse a demand to a consumer for a prescribed credit unless ``options.allow_prescribed`` is set."""
    result = prescription(case, at, interruptions)
    if case.debtor.type is not DebtorType.consumer or case.options.allow_prescribed:
        return
    barred = [p for p in result.invoices if p.extinctive]
    if barred:
        names = ", ".join(f"{p.invoice} (on {p.date.isoformat()}, {p.article})" for p in barred)
        raise InputError("options.allow_prescribed",
                         f"the credit is prescribed for a consumer debtor: {names}; set options.allow_prescribed "
                         "to write anyway (letters will not threaten action)")
