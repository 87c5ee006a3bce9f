"""Cost/benefit of going to court: expected court, lawyer and enforcement costs for the claim value, against
the recovery weighted by the probability the asset search supports (IT: antieconomicità, CM 26/E/2013;
ES: the evidence of insolvency the TEAC accepted on 6 Nov 2018). Every input is shown and overridable."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..model import Case, CostInputs, Jurisdiction, TaxProfileKind
from .evidence import Evidence

DATA = Path(__file__).parent / "data"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Figure:
    """One input: its value, where it came from ("table", "override", "derived"), its source and whether
    the table gives it as a published amount or an estimate."""

    value: Decimal
    origin: str
    source: str
    status: str = "published"


@dataclass(frozen=True)
class CostBenefit:
    claim: Decimal
    court_fees: Figure
    lawyer_fees: Figure
    enforcement_costs: Figure
    probability: Figure | None        # None: no asset search and no override, so not computable
    recoverable: Figure
    costs: Decimal
    expected_recovery: Decimal | None
    net: Decimal | None
    recommendation: str               # "write_off" | "litigate" | "not_computable"


@lru_cache(maxsize=None)
def _rows(name: str) -> tuple[dict[str, str], ...]:
    with (DATA / name).open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return tuple(csv.DictReader(lines))


def cost_table(jurisdiction: Jurisdiction) -> tuple[dict[str, str], ...]:
    """The shipped cost table for a jurisdiction (item, up_to, amount, status, source)."""
    return _rows(f"costs_{jurisdiction.value.lower()}.csv")


def _band(jurisdiction: Jurisdiction, item: str, value: Decimal) -> Figure:
    for row in cost_table(jurisdiction):
        if row["item"] == item and (not row["up_to"] or value <= Decimal(row["up_to"])):
            return Figure(Decimal(row["amount"]), "table", row["source"], row["status"])
    raise LookupError(f"no {item} band for {value}")


def _probability(ev: Evidence, jurisdiction: Jurisdiction) -> Figure | None:
    table = {row["evidence"]: row for row in _rows("recovery.csv")}
    if ev.assets_found:
        key = "assets_found"
    elif ev.all_searches_negative:
        key = "no_assets_untraceable" if ev.untraceable else "no_assets"
    else:
        return None
    row = table[key]
    return Figure(Decimal(row["probability"]), "table", row[f"source_{jurisdiction.value.lower()}"], row["status"])


def _pick(override: Decimal | None, default: Figure) -> Figure:
    return Figure(override, "override", "ReportInfo.cost_inputs") if override is not None else default


def cost_benefit(case: Case, claim: Decimal, ev: Evidence, inputs: CostInputs | None = None) -> CostBenefit:
    """Expected net recovery = p x min(claim + costs, assets) - costs; uneconomic (write off) when <= 0."""
    inputs = inputs or case.report.cost_inputs
    j = case.jurisdiction or Jurisdiction.IT
    if j is Jurisdiction.ES:
        profile = case.creditor.tax_profile
        natural = profile is not None and profile.kind in (TaxProfileKind.sole_trader, TaxProfileKind.professional_accrual,
                                                           TaxProfileKind.professional_cash)
        court = _band(j, "court_fees_individual" if natural else "court_fees_company", claim)
    else:
        court = _band(j, "court_fees", claim)
    court = _pick(inputs.court_fees, court)
    lawyer = _pick(inputs.lawyer_fees, _band(j, "lawyer_fees", claim))
    enforcement = _pick(inputs.enforcement_costs, _band(j, "enforcement_costs", claim))
    costs = court.value + lawyer.value + enforcement.value
    found = sum((a.assets_value for a in ev.assets_found if a.assets_value is not None), Decimal(0))
    if inputs.recoverable_assets is not None:
        recoverable = Figure(inputs.recoverable_assets, "override", "ReportInfo.cost_inputs")
    elif ev.assets_found and found:
        recoverable = Figure(min(found, claim + costs), "derived", "assets_value of the positive searches")
    else:
        recoverable = Figure(claim + costs, "derived", "claim and costs")
    probability = (Figure(inputs.recovery_probability, "override", "ReportInfo.cost_inputs")
                   if inputs.recovery_probability is not None else _probability(ev, j))
    if probability is None:
        return CostBenefit(claim, court, lawyer, enforcement, None, recoverable, costs, None, None, "not_computable")
    expected = (probability.value * min(recoverable.value, claim + costs)).quantize(CENT)
    net = expected - costs
    return CostBenefit(claim, court, lawyer, enforcement, probability, recoverable, costs, expected, net,
                       "write_off" if net <= 0 else "litigate")
