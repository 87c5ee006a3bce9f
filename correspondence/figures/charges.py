"""What the creditor may charge beyond the principal, and when a charge stops.

- Documented recovery costs are owed only for the part above the flat compensation: D.Lgs. 231/2002 art. 6
  c.2 ("oltre all'importo forfettario ... il risarcimento dei costi sostenuti ... che superano"), Ley 3/2004
  art. 8.1 ("que superen la cantidad indicada"), Dir. 2011/7/EU art. 6(3). The 40 EUR per invoice absorb the
  first part of the costs; only the excess is claimed.
- Insolvency: from the opening of liquidazione giudiziale or concordato (art. 154 CCII: interest suspended
  for unsecured claims; D.Lgs. 231/2002 art. 1 c.2 a: no late-payment interest on debts in a procedura
  concorsuale) and from the declaration of concurso (art. 152 TRLC) interest stops: it accrues up to the
  day before the opening. The flat compensation is owed only for invoices already overdue before it.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..model import Case
from .interest import ONE_DAY, ZERO


def costs_above_flat_sum(amounts: list[Decimal], flat: Decimal) -> list[Decimal]:
    """Reduce the documented costs, in their order, by the flat compensation owed: what is left is owed."""
    out = []
    for amount in amounts:
        absorbed = min(amount, flat)
        flat -= absorbed
        out.append(amount - absorbed)
    return out


def insolvency_stop(case: Case) -> date | None:
    """Last day interest accrues: the day before the insolvency opening (art. 154 CCII, art. 152 TRLC)."""
    return case.insolvency.opened_on - ONE_DAY if case.insolvency else None


def compensation_excluded_by_insolvency(case: Case, due_date: date) -> bool:
    """An invoice falling due on or after the opening is a debt in the procedure: no 40 EUR (231 art. 1 c.2)."""
    return case.insolvency is not None and due_date >= case.insolvency.opened_on


__all__ = ["ZERO", "compensation_excluded_by_insolvency", "costs_above_flat_sum", "insolvency_stop"]
