"""The assessment of one case: every ground of the jurisdiction's rules, the cost/benefit, the insolvency
filing and a conclusion that follows from them and never says more than the grounds support."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..figures import Statement, compute_statement, interest_cutoff, prescription
from ..model import Case, CostInputs, Jurisdiction
from . import italy, spain
from .costs import CostBenefit, cost_benefit
from .evidence import Evidence, gather
from .grounds import Ground, Status
from .insolvency import Filing, filing
from .tax import TaxFigures, tax_figures


@dataclass(frozen=True)
class Assessment:
    jurisdiction: str
    at: dt.date                       # the date the grounds are tested at
    year_end: dt.date | None
    income: tuple[Ground, ...]
    vat: tuple[Ground, ...]
    evidence: Evidence
    costs: CostBenefit
    tax: TaxFigures
    filing: Filing | None
    conclusion: str                   # "uncollectable" | "partly" | "not_established" | "no_route"
    missing: tuple[str, ...]

    def ground(self, code: str) -> Ground:
        return next(g for g in self.income + self.vat if g.code == code)

    @property
    def met(self) -> tuple[str, ...]:
        return tuple(g.code for g in self.income + self.vat if g.met)


def default_year_end(case: Case) -> dt.date:
    """ES art. 13.1 LIS: the accrual date; by default 31 December of the report's year."""
    return dt.date(case.date.year, 12, 31)


def assess(case: Case, *, year_end: dt.date | None = None, inputs: CostInputs | None = None,
           statement: Statement | None = None) -> Assessment:
    """Assess `case` as it stands on its date; `year_end` (default `case.report.year_end`) sets the
    accrual date of the ES test and, in Italy, the date the six months of a small credit are counted to."""
    year_end = year_end or case.report.year_end
    st = statement or compute_statement(case, at=interest_cutoff(case))
    if case.jurisdiction is Jurisdiction.ES:
        at = year_end or default_year_end(case)
        ev = gather(case, case.date)
        tax = tax_figures(case, st, at)
        cb = cost_benefit(case, st.total_due, ev, inputs)
        filed = filing(case)
        income = spain.income_grounds(case, at, ev, tax)
        vat = spain.vat_grounds(case, case.date, ev, tax, filed)
        year_end = at
    else:
        at = year_end or case.date
        ev = gather(case, case.date)
        tax = tax_figures(case, st, at)
        cb = cost_benefit(case, st.total_due, ev, inputs)
        filed = filing(case)
        income = italy.income_grounds(case, at, ev, prescription(case), tax, cb)
        vat = italy.vat_grounds(case, case.date, ev, tax)
    conclusion, missing = _conclude(income, tax)
    return Assessment(case.jurisdiction.value if case.jurisdiction else "IT", at, year_end, income, vat, ev, cb,
                      tax, filed, conclusion, missing)


def _conclude(income: tuple[Ground, ...], tax: TaxFigures) -> tuple[str, tuple[str, ...]]:
    deciding = [g for g in income if not g.code.endswith("art_104")]
    if all(g.status is Status.not_applicable for g in deciding):
        return "no_route", ()
    met = [g for g in deciding if g.met]
    missing = tuple(dict.fromkeys(m for g in deciding for m in g.missing))
    if not met:
        return "not_established", missing
    covered = max((g.amount or 0 for g in met), default=0)
    return ("uncollectable" if covered >= tax.outstanding else "partly"), missing
