"""The claim: the titles of the credit (invoices, fee notes, instalments...), payments and costs."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from pydantic import Field, model_validator

from .base import FieldError, Model, Money


class Invoice(Model):
    """One title of credit. Called an invoice whatever the credit type; the wording names it properly."""

    number: str = Field(min_length=1, max_length=60)
    issue_date: dt.date
    due_date: dt.date
    amount: Money = Field(description="Amount due including VAT (D.Lgs. 231/2002 art. 2; Ley 3/2004 art. 7)")
    description: Optional[str] = Field(default=None, max_length=300)
    period: Optional[str] = Field(default=None, max_length=80, description="Billing or rent period, e.g. 'marzo 2026'")
    taxable: Optional[Money] = Field(default=None, description="Taxable base (imponibile / base imponible)")
    vat: Optional[Money] = Field(default=None, description="VAT charged on the invoice (IVA)")
    withholding: Optional[Money] = Field(
        default=None, description="Tax the debtor withholds and pays to the tax office (ritenuta d'acconto; "
                                  "ES retención IRPF): not owed to the creditor")
    completed_on: Optional[dt.date] = Field(
        default=None, description="IT professional fees: date the work was completed; the presumptive "
                                  "prescription runs from it (art. 2957 c.c.)")

    @model_validator(mode="after")
    def _check(self) -> "Invoice":
        if self.amount <= 0:
            raise ValueError("amount must be greater than zero")
        if self.due_date < self.issue_date:
            raise ValueError("due_date is before issue_date")
        for name in ("taxable", "vat", "withholding"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise FieldError(name, "must not be negative")
        if self.withholding is not None and self.withholding >= self.amount:
            raise FieldError("withholding", "must be less than the invoice amount (the tax withheld is part of it)")
        return self

    @property
    def net_amount(self) -> Decimal:
        """What the creditor is owed: the invoice less the tax the debtor withholds and pays to the tax office
        (IT art. 25 DPR 600/1973, ritenuta d'acconto; ES arts. 99 and 101 Ley 35/2006 LIRPF, retención)."""
        return self.amount - (self.withholding or Decimal("0"))


class Payment(Model):
    date: dt.date
    amount: Money
    reference: Optional[str] = Field(default=None, max_length=120)
    invoice: Optional[str] = Field(default=None, description="Invoice number the debtor imputed it to, if any")

    @model_validator(mode="after")
    def _check(self) -> "Payment":
        if self.amount <= 0:
            raise ValueError("amount must be greater than zero")
        return self


class Cost(Model):
    """Documented recovery costs claimed on top of the flat compensation."""

    description: str = Field(min_length=1, max_length=200)
    amount: Money
    date: Optional[dt.date] = None


class Claim(Model):
    invoices: list[Invoice] = Field(min_length=1)
    payments: list[Payment] = Field(default_factory=list)
    costs: list[Cost] = Field(default_factory=list)
    contract: Optional[str] = Field(default=None, max_length=300, description="Contract or order the credit arises from")
    contract_date: Optional[dt.date] = Field(default=None, description="Selects pre-2013 margins when earlier than 2013")
    interest_from_demand: Optional[dt.date] = Field(
        default=None, description="ES civil/consumer debts: date of the first demand (arts. 1100, 1108 CC)")
    agri_food: bool = Field(default=False, description="IT D.Lgs. 198/2021: +4 points on the commercial rate")
    delay_excused: bool = Field(default=False, description="Debtor proved the delay is not its fault: no interest")
    interest: bool = Field(default=True, description="Claim late-payment interest at all")
    disputed: bool = Field(default=False, description="The debtor disputes the claim (no credit-file warning)")
    approved_on: Optional[dt.date] = Field(
        default=None, description="Condominium: date of the owners' meeting that approved the debt (ES Junta "
                                  "de Propietarios, art. 21.2 LPH; IT assemblea, art. 63 disp. att. c.c.)")
    title_reserved: bool = Field(default=False, description="Instalment sale with reservation of title (art. 1523 c.c.)")
    price: Optional[Money] = Field(default=None, description="Instalment sale: the whole price (art. 1525 c.c. 1/8 test)")

    @model_validator(mode="after")
    def _unique_numbers(self) -> "Claim":
        seen: set[str] = set()
        for inv in self.invoices:
            if inv.number in seen:
                raise ValueError(f"invoice number {inv.number!r} appears twice")
            seen.add(inv.number)
        return self

    @property
    def principal(self) -> Decimal:
        return sum((i.amount for i in self.invoices), Decimal("0"))

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0"))
