"""Tax figures per invoice: taxable base, VAT and withholding of what is still outstanding, so the VAT
correction and the deductible loss can be worked out. Interest and the flat 40 EUR are left out: they are a
loss only if they were booked as income (accrual), which the report states rather than assumes."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..figures import Statement
from ..model import Case

CENT = Decimal("0.01")


@dataclass(frozen=True)
class InvoiceTax:
    number: str
    issue_date: dt.date
    due_date: dt.date
    amount: Decimal
    taxable: Decimal | None
    vat: Decimal | None
    withholding: Decimal | None
    outstanding: Decimal                # principal outstanding, VAT included, net of payments
    outstanding_vat: Decimal | None     # VAT share of the outstanding amount (pro rata)
    outstanding_taxable: Decimal | None
    days_overdue: int


@dataclass(frozen=True)
class TaxFigures:
    invoices: tuple[InvoiceTax, ...]
    outstanding: Decimal
    outstanding_vat: Decimal | None     # None when some invoice lacks its VAT figure
    outstanding_taxable: Decimal | None
    interest: Decimal
    compensation: Decimal

    @property
    def vat_known(self) -> bool:
        return self.outstanding_vat is not None

    @property
    def has_vat(self) -> bool:
        return bool(self.outstanding_vat)


def _share(part: Decimal | None, outstanding: Decimal, amount: Decimal) -> Decimal | None:
    if part is None:
        return None
    return (part * outstanding / amount).quantize(CENT, ROUND_HALF_UP)


def _sum_known(values: list[Decimal | None]) -> Decimal | None:
    """The total, or None when any part is unknown (an invoice without its VAT or taxable figure)."""
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) if len(known) == len(values) else None


def tax_figures(case: Case, statement: Statement, at: dt.date) -> TaxFigures:
    by_number = {f.number: f for f in statement.invoices}
    rows = []
    for inv in case.claim.invoices:
        out = by_number[inv.number].principal_outstanding
        vat = _share(inv.vat, out, inv.amount)
        taxable = _share(inv.taxable, out, inv.amount) if inv.taxable is not None else (
            out - vat if vat is not None else None)
        rows.append(InvoiceTax(inv.number, inv.issue_date, inv.due_date, inv.amount, inv.taxable, inv.vat,
                               inv.withholding, out, vat, taxable, max((at - inv.due_date).days, 0)))
    open_rows = [r for r in rows if r.outstanding > 0]
    vats = [r.outstanding_vat for r in open_rows]
    taxables = [r.outstanding_taxable for r in open_rows]
    return TaxFigures(
        invoices=tuple(rows), outstanding=statement.principal_outstanding,
        outstanding_vat=_sum_known(vats), outstanding_taxable=_sum_known(taxables),
        interest=statement.interest, compensation=statement.compensation,
    )
