"""Spain: is the impairment deductible (art. 13.1 LIS; IRPF art. 28 LIRPF) and may the VAT base be
reduced (art. 80.Tres / 80.Cuatro LIVA)?

Art. 13.1 LIS is tested at the accrual date (the chosen year-end): a) six months since each invoice's
due date; b) concurso; c) prosecution for alzamiento de bienes; d) a court or arbitral claim. Not
deductible: public-law debtors unless there is a proceeding on the debt, related parties unless the
concurso reached liquidation. Small companies (turnover under 10 M EUR, art. 101 LIS) may also deduct
the global 1 % of art. 104 LIS. Individuals in estimación directa normal apply the same rules; the
simplificada allows no individual provision; estimación objetiva and non-business creditors have no route.
VAT 80.Cuatro runs per invoice from its devengo: one year, or six months for creditors with turnover up
to 6,010,121.04 EUR; then six months to issue the factura rectificativa (Ley 31/2022) and one month to
notify the AEAT (art. 24 RIVA); it needs a claim by court, notary or "cualquier otro medio que acredite
fehacientemente la reclamación". After a declaration of concurso only 80.Tres applies to earlier debts.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..model import Case, CreditType, DebtorType, TaxProfileKind
from .evidence import Evidence, add_months, more_than_months
from .grounds import Ground, InvoiceTest, Status
from .insolvency import Filing
from .italy import NO_VAT_CREDITS
from .tax import TaxFigures

VAT_SMALL_TURNOVER = Decimal("6010121.04")
ERD_TURNOVER = Decimal("10000000")
CONSUMER_MIN_BASE = Decimal("50")


def _excluded(case: Case) -> str | None:
    profile = case.creditor.tax_profile
    if profile is None:
        return "non_business" if case.credit_type is CreditType.condominium else None
    if profile.kind is TaxProfileKind.non_business:
        return "non_business"
    if profile.kind is TaxProfileKind.professional_cash:
        return "cash_basis"
    if profile.kind is TaxProfileKind.financial_intermediary:
        return "credit_institution"
    if profile.kind in (TaxProfileKind.sole_trader, TaxProfileKind.professional_accrual):
        if profile.irpf_method == "directa_simplificada":
            return "irpf_simplificada"
        if profile.irpf_method == "objetiva":
            return "irpf_objetiva"
    return None


def income_grounds(case: Case, year_end: dt.date, ev: Evidence, tax: TaxFigures) -> tuple[Ground, ...]:
    codes = ("six_months", "concurso", "alzamiento", "court_claim")
    excluded = _excluded(case)
    if excluded:
        return tuple(Ground(f"es.income.{c}", Status.not_applicable, excluded) for c in codes) + (
            Ground("es.income.art_104", Status.not_applicable, excluded),)
    tests = []
    for row in tax.invoices:
        if row.outstanding <= 0:
            continue
        met = more_than_months(row.due_date, 6, year_end)
        tests.append(InvoiceTest(row.number, met, "met" if met else "not_six_months", row.due_date, row.outstanding,
                                 from_date=row.due_date, elapsed_on=add_months(row.due_date, 6) + dt.timedelta(days=1)))
    six = sum((t.outstanding for t in tests if t.met), Decimal(0))
    grounds = [Ground("es.income.six_months", Status.met if six else Status.not_met, "at_year_end",
                      invoices=tuple(tests), amount=six, dates={"year_end": year_end})]
    ins = case.insolvency
    grounds.append(Ground("es.income.concurso", Status.met, "declared", dates={"opened_on": ins.opened_on},
                          amount=tax.outstanding) if ins and ins.opened_on <= year_end else
                   Ground("es.income.concurso", Status.not_met, "not_declared"))
    grounds.append(Ground("es.income.alzamiento", Status.not_met, "not_recorded"))
    court = tuple(a for a in ev.court_claims if a.date <= year_end)
    grounds.append(Ground("es.income.court_claim", Status.met, "filed", evidence=court, amount=tax.outstanding,
                          dates={"filed_on": court[0].date}) if court else
                   Ground("es.income.court_claim", Status.not_met, "none"))
    liquidation = ins is not None and "liquida" in ins.procedure.lower()
    if case.debtor.type is DebtorType.public_administration and not court:
        grounds = [Ground(g.code, Status.not_met, "public_entity") if g.met else g for g in grounds]
    if case.debtor.related_party and not liquidation:
        grounds = [Ground(g.code, Status.not_met, "related_party") if g.met else g for g in grounds]
    profile = case.creditor.tax_profile
    if profile is None or profile.turnover is None or profile.kind is not TaxProfileKind.company:
        art104 = Ground("es.income.art_104", Status.not_applicable,
                        "turnover_unknown" if profile is None or profile.turnover is None else "not_company")
    elif profile.turnover < ERD_TURNOVER:
        art104 = Ground("es.income.art_104", Status.met, "small_company", amount=tax.outstanding * Decimal("0.01"))
    else:
        art104 = Ground("es.income.art_104", Status.not_applicable, "turnover_above")
    return tuple(grounds) + (art104,)


def vat_period_months(case: Case) -> int:
    profile = case.creditor.tax_profile
    small = profile is not None and profile.turnover is not None and profile.turnover <= VAT_SMALL_TURNOVER
    return 6 if small and profile is not None and profile.es_vat_six_months else 12


def vat_grounds(case: Case, at: dt.date, ev: Evidence, tax: TaxFigures, filed: Filing | None) -> tuple[Ground, ...]:
    profile = case.creditor.tax_profile
    if (case.credit_type in NO_VAT_CREDITS or (profile is not None and not profile.vat_registered)
            or (tax.vat_known and not tax.has_vat) or _excluded(case) == "non_business"):
        return (Ground("es.vat.80_tres", Status.not_applicable, "no_vat"),
                Ground("es.vat.80_cuatro", Status.not_applicable, "no_vat"))
    missing = () if tax.vat_known else ("vat_per_invoice",)
    ins = case.insolvency
    if ins is not None and ins.opened_on <= at and filed is not None:
        dates = {"opened_on": ins.opened_on}
        if filed.vat_deadline and filed.vat_notice_by:  # set together (insolvency.filing)
            dates.update(deadline=filed.vat_deadline, notice_by=filed.vat_notice_by)
        tres = Ground("es.vat.80_tres", Status.met, "concurso", dates=dates, amount=tax.outstanding_vat,
                      missing=missing + (() if ins.published_on else ("published_on",)))
        return tres, Ground("es.vat.80_cuatro", Status.not_applicable, "concurso")
    tres = Ground("es.vat.80_tres", Status.not_met, "no_concurso")
    months = vat_period_months(case)
    claim = ev.formal_claims[-1] if ev.formal_claims else None
    public = case.debtor.type is DebtorType.public_administration
    tests = []
    for row in tax.invoices:
        if row.outstanding <= 0:
            continue
        devengo = row.due_date if case.credit_type is CreditType.installment_sale else row.issue_date
        opens = add_months(devengo, months)
        deadline = add_months(opens, 6)
        base_ok = case.debtor.type is not DebtorType.consumer or (row.taxable or Decimal(0)) > CONSUMER_MIN_BASE
        if not base_ok:
            reason = "base_too_low"
        elif at < opens:
            reason = "period_running"
        elif at > deadline:
            reason = "window_closed"
        elif public:
            reason = "public_certificate"
        elif claim is None:
            reason = "no_formal_claim"
        else:
            reason = "met"
        tests.append(InvoiceTest(row.number, reason == "met", reason, row.due_date, row.outstanding,
                                 from_date=devengo, elapsed_on=opens, deadline=deadline,
                                 notice_by=add_months(deadline, 1), vat=row.outstanding_vat))
    met = [t for t in tests if t.met]
    cuatro = Ground("es.vat.80_cuatro", Status.met if met else Status.not_met, f"period_{months}",
                    evidence=(claim,) if claim else (), invoices=tuple(tests), missing=missing,
                    amount=sum((t.vat or Decimal(0) for t in met), Decimal(0)) if tax.vat_known else None)
    return tres, cuatro
