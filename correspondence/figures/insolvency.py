"""Insolvency stops the clock: from the opening of the proceeding no interest runs on unsecured claims
(IT art. 154 CCII; ES art. 152 TRLC), so the figures are computed up to the opening date."""
from __future__ import annotations

from datetime import date

from ..model import Case


def interest_cutoff(case: Case) -> date:
    """The date the case's interest and compensation run to: the document date, or the opening of the
    insolvency proceeding when that came first."""
    if case.insolvency is not None and case.insolvency.opened_on < case.date:
        return case.insolvency.opened_on
    return case.date
