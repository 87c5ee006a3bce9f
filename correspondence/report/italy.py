"""Italy: may the loss be deducted (art. 101 c.5 TUIR) and the VAT be corrected (art. 26 c.3-bis D.P.R. 633/72)?

Art. 101 c.5 TUIR serves business income only: a condominium or other non-business entity has no such
income, a professional taxed on a cash basis never taxed the unpaid fee (art. 54 TUIR), a bank or
financial intermediary writes off under art. 106 c.3 TUIR. For the rest the loss is deductible when it
rests on certain and precise elements, and always: in an insolvency proceeding from its opening; for a
prescribed credit; for a small credit (up to 2,500 EUR, 5,000 EUR for companies with turnover of at least
100 M EUR, art. 27 c.10 D.L. 185/2008) overdue more than six months. Otherwise a failed enforcement
(verbale di pignoramento negativo, CM 26/E/2013) or a documented uneconomic recovery is needed: a delivered
formal claim, asset searches that found nothing and a cost/benefit analysis (Cass. 14568/2001).
VAT: uncollectability alone is not enough; only an insolvency proceeding (c.3-bis a)) or an individual
enforcement that failed as defined by c.12 (c.3-bis b)) allows the note, by the VAT return for the year
the condition occurred (30 April of the next year).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..figures import Prescription
from ..model import ActionResult, Case, CreditType, TaxProfileKind
from .costs import CostBenefit
from .evidence import Evidence, add_months, more_than_months
from .grounds import Ground, InvoiceTest, Status
from .insolvency import IT_NEW_VAT_RULE
from .tax import TaxFigures

SMALL, SMALL_LARGE = Decimal("2500"), Decimal("5000")
NO_VAT_CREDITS = frozenset({CreditType.consumer_credit, CreditType.condominium})
EXCLUDED = {TaxProfileKind.non_business: "no_business_income", TaxProfileKind.professional_cash: "cash_basis",
            TaxProfileKind.financial_intermediary: "art_106_tuir"}


def income_grounds(case: Case, at: dt.date, ev: Evidence, presc: Prescription, tax: TaxFigures,
                   cb: CostBenefit) -> tuple[Ground, ...]:
    profile = case.creditor.tax_profile
    kind = profile.kind if profile else TaxProfileKind.company
    if case.credit_type is CreditType.condominium and profile is None:
        kind = TaxProfileKind.non_business
    codes = ("insolvency", "prescription", "small_credit", "certain_precise")
    if kind in EXCLUDED:
        return tuple(Ground(f"it.income.{c}", Status.not_applicable, EXCLUDED[kind]) for c in codes)
    ins = case.insolvency
    if ins is not None and ins.opened_on <= at:
        insolvency = Ground("it.income.insolvency", Status.met, "proceeding_opened",
                            dates={"opened_on": ins.opened_on}, amount=tax.outstanding)
    else:
        insolvency = Ground("it.income.insolvency", Status.not_met, "no_proceeding")
    if presc.status == "prescribed":
        prescribed = Ground("it.income.prescription", Status.met, "prescribed",
                            dates={"prescribed_on": presc.date, "since": presc.since}, amount=tax.outstanding)
    else:
        prescribed = Ground("it.income.prescription", Status.not_met, "running",
                            dates={"prescribes_on": presc.date, "since": presc.since})
    threshold = SMALL_LARGE if profile is not None and profile.is_large_it() else SMALL
    tests = []
    for row in tax.invoices:
        if row.outstanding <= 0:
            continue
        aged = more_than_months(row.due_date, 6, at)
        small = row.outstanding <= threshold
        reason = "met" if small and aged else ("above_threshold" if not small else "not_six_months")
        tests.append(InvoiceTest(row.number, small and aged, reason, row.due_date, row.outstanding,
                                 from_date=row.due_date, elapsed_on=add_months(row.due_date, 6) + dt.timedelta(days=1)))
    qualifying = sum((t.outstanding for t in tests if t.met), Decimal(0))
    small_credit = Ground("it.income.small_credit", Status.met if qualifying else Status.not_met,
                          "large_threshold" if threshold == SMALL_LARGE else "small_threshold",
                          invoices=tuple(tests), amount=qualifying, dates={"at": at})
    return insolvency, prescribed, small_credit, _certain_precise(case, at, ev, cb, tax)


def _certain_precise(case: Case, at: dt.date, ev: Evidence, cb: CostBenefit, tax: TaxFigures) -> Ground:
    code = "it.income.certain_precise"
    if ev.failed_enforcement:
        return Ground(code, Status.met, "failed_enforcement", evidence=ev.failed_enforcement, amount=tax.outstanding)
    missing = []
    if not ev.formal_claims:
        missing.append("formal_claim")
    if not ev.asset_searches:
        missing.append("asset_search")
    elif ev.assets_found:
        missing.append("assets_found")
    elif not ev.all_searches_negative:
        missing.append("asset_search_inconclusive")
    if cb.recommendation == "not_computable":
        missing.append("cost_benefit")
    elif cb.recommendation == "litigate":
        missing.append("recovery_economic")
    if ev.recent_payment is not None:
        missing.append("recent_payment")
    if any(a.result is ActionResult.positive for a in case.actions if a.type.value == "payment_plan" and a.date <= at):
        missing.append("payment_plan_kept")
    evidence = ev.formal_claims + ev.searches
    if missing:
        return Ground(code, Status.not_met, "insufficient", evidence=evidence, missing=tuple(missing),
                      dates={"recent_payment": ev.recent_payment} if ev.recent_payment else {})
    return Ground(code, Status.met, "uneconomic_recovery", evidence=evidence, amount=tax.outstanding)


def vat_grounds(case: Case, at: dt.date, ev: Evidence, tax: TaxFigures) -> tuple[Ground, ...]:
    profile = case.creditor.tax_profile
    no_vat = (case.credit_type in NO_VAT_CREDITS or (profile is not None and not profile.vat_registered)
              or (tax.vat_known and not tax.has_vat))
    if no_vat:
        return (Ground("it.vat.insolvency", Status.not_applicable, "no_vat"),
                Ground("it.vat.failed_enforcement", Status.not_applicable, "no_vat"))
    missing = () if tax.vat_known else ("vat_per_invoice",)
    ins = case.insolvency
    if ins is None or ins.opened_on > at:
        a = Ground("it.vat.insolvency", Status.not_met, "no_proceeding")
    elif ins.opened_on < IT_NEW_VAT_RULE:
        a = Ground("it.vat.insolvency", Status.not_met, "old_rule", dates={"opened_on": ins.opened_on})
    else:
        a = Ground("it.vat.insolvency", Status.met, "proceeding_opened", amount=tax.outstanding_vat, missing=missing,
                   dates={"opened_on": ins.opened_on, "deadline": dt.date(ins.opened_on.year + 1, 4, 30)})
    failed = ev.failed_enforcement
    if failed:
        last = failed[-1].date
        b = Ground("it.vat.failed_enforcement", Status.met, "c12_report", evidence=failed, missing=missing,
                   amount=tax.outstanding_vat, dates={"since": last, "deadline": dt.date(last.year + 1, 4, 30)})
    else:
        b = Ground("it.vat.failed_enforcement", Status.not_met, "no_enforcement")
    return a, b
