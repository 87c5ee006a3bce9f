"""What a tax advisor needs beyond the letter: who the creditor is for tax purposes, what the asset and
tracing searches found, and the inputs of the cost/benefit analysis (legal-it-es.md §4)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Literal, Optional

from pydantic import Field

from .base import Model, Money


class TaxProfileKind(str, Enum):
    """How the creditor is taxed; decides which write-off rule can apply at all."""

    company = "company"                      # IT IRES/IRPEF business income (art. 101 TUIR); ES IS (art. 13 LIS)
    sole_trader = "sole_trader"              # individual business on an accrual basis (IT art. 66 TUIR; ES IRPF)
    professional_cash = "professional_cash"  # IT art. 54 TUIR: fees taxed when cashed, so no loss to deduct
    professional_accrual = "professional_accrual"  # ES IRPF estimación directa professional (accrual)
    non_business = "non_business"            # condominium, association without business income
    financial_intermediary = "financial_intermediary"  # banks, lenders: IT art. 106 c.3 TUIR; ES Circular 4/2017


class TaxProfile(Model):
    kind: TaxProfileKind = TaxProfileKind.company
    turnover: Optional[Money] = Field(
        default=None, description="Previous-year turnover: IT ≥ 100 M EUR raises the small-credit threshold to "
                                  "5,000 EUR (art. 27 c.10 D.L. 185/2008); ES ≤ 6,010,121.04 EUR allows the six-month "
                                  "VAT period (art. 80.Cuatro LIVA), < 10 M EUR is a small company (art. 101 LIS)")
    large_company: Optional[bool] = Field(default=None, description="IT impresa di più rilevante dimensione; "
                                                                    "derived from turnover when not given")
    irpf_method: Optional[Literal["directa_normal", "directa_simplificada", "objetiva"]] = Field(
        default=None, description="ES individuals: how business income is assessed in IRPF")
    vat_registered: bool = Field(default=True, description="The creditor charged VAT and may correct it")
    es_vat_six_months: bool = Field(default=True, description="ES small creditor: use the six-month VAT period "
                                                              "rather than one year (art. 80.Cuatro.A LIVA)")

    def is_large_it(self) -> bool:
        if self.large_company is not None:
            return self.large_company
        return self.turnover is not None and self.turnover >= Decimal("100000000")


class SearchKind(str, Enum):
    """Asset and tracing searches a report rests on (legal-it-es.md §4.6 item 8)."""

    visura_camerale = "visura_camerale"        # IT Registro Imprese: status, officers, filings
    ipocatastale = "ipocatastale"              # IT catasto + conservatoria: real estate
    pra = "pra"                                # IT Pubblico Registro Automobilistico: vehicles
    protesti = "protesti"                      # IT Registro informatico dei protesti
    bilanci = "bilanci"                        # IT filed financial statements
    anagrafe = "anagrafe"                      # IT residence records (tracing)
    registro_mercantil = "registro_mercantil"  # ES Registro Mercantil / BORME
    registro_propiedad = "registro_propiedad"  # ES Registro de la Propiedad: real estate
    dgt = "dgt"                                # ES Dirección General de Tráfico: vehicles
    ficheros_solvencia = "ficheros_solvencia"  # ES credit files (ASNEF, RAI...)
    padron = "padron"                          # ES padrón municipal (tracing)


ASSET_SEARCHES = frozenset({SearchKind.ipocatastale, SearchKind.pra, SearchKind.bilanci,
                            SearchKind.registro_propiedad, SearchKind.dgt})


class ActionResult(str, Enum):
    """What an action found. For searches and enforcement: positive = something to recover from (assets,
    an active business); negative = nothing (no assets, company ceased, verbale di pignoramento negativo);
    for tracing: negative = debtor not found; for payment plans: positive = kept, negative = broken."""

    positive = "positive"
    negative = "negative"
    inconclusive = "inconclusive"


class CostInputs(Model):
    """Overrides for the cost/benefit analysis; every figure the report uses is shown and may be replaced."""

    recovery_probability: Optional[Decimal] = Field(default=None, ge=0, le=1,
                                                    description="Probability of collecting through the courts")
    court_fees: Optional[Money] = None
    lawyer_fees: Optional[Money] = None
    enforcement_costs: Optional[Money] = None
    recoverable_assets: Optional[Money] = Field(default=None, description="Realisable value of the assets found")


class Impairment(Model):
    """The write-down or provision booked in the accounts (IT art. 101 c.5-bis TUIR needs it in P&L)."""

    booked_on: dt.date
    amount: Money
    kind: Literal["write_off", "provision"] = "provision"
