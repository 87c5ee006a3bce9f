"""The claim in an insolvency proceeding: what to file (capital, interest to the opening, costs), by when,
and the VAT route with its deadline.

IT: no interest after the opening (art. 154 CCII); the claim is filed at least 30 days before the hearing
for the stato passivo (art. 201 c.1 CCII), late claims up to six months after the stato passivo is made
enforceable (art. 208 CCII); the VAT note under art. 26 c.3-bis a) D.P.R. 633/72 from the opening (for
procedures opened from 26 May 2021), by the VAT return for the year of the opening (30 April of the next
year; circ. AdE 20/E/2021).
ES: no interest after the declaration (art. 152 TRLC); claims within one month of the publication of the
auto in the BOE (art. 255 TRLC); VAT by art. 80.Tres LIVA: the factura rectificativa within two months
from the end of that month (art. 80.Tres LIVA as amended by Ley 31/2022), notified to the AEAT within one
month of its issue (art. 24 RIVA).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..figures import Statement, compute_statement
from ..model import Case, Jurisdiction
from .evidence import add_months

IT_NEW_VAT_RULE = dt.date(2021, 5, 26)


@dataclass(frozen=True)
class Filing:
    procedure: str
    opened_on: dt.date
    capital: Decimal
    interest: Decimal
    compensation: Decimal
    costs: Decimal
    total: Decimal
    deadline: dt.date | None          # None when the hearing (IT) or the BOE publication (ES) is unknown
    deadline_rule: str
    vat_route: str                    # "it_26_3bis_a" | "it_26_old_rule" | "es_80_tres"
    vat_deadline: dt.date | None
    vat_notice_by: dt.date | None     # ES: AEAT notice at the latest
    statement: Statement


def filing(case: Case) -> Filing | None:
    """What the creditor files in the proceeding, with the figures stopped at the opening date."""
    ins = case.insolvency
    if ins is None:
        return None
    at = min(ins.opened_on, case.date)
    st = compute_statement(case, at=at)
    if case.jurisdiction is Jurisdiction.ES:
        deadline = add_months(ins.published_on, 1) if ins.published_on else None
        vat_deadline = add_months(ins.published_on, 3) if ins.published_on else None
        return Filing(ins.procedure, ins.opened_on, st.principal_outstanding, st.interest, st.compensation, st.costs,
                      st.total_due, deadline, "art. 255 TRLC", "es_80_tres", vat_deadline,
                      add_months(vat_deadline, 1) if vat_deadline else None, st)
    deadline = ins.hearing_on - dt.timedelta(days=30) if ins.hearing_on else None
    new_rule = ins.opened_on >= IT_NEW_VAT_RULE
    return Filing(ins.procedure, ins.opened_on, st.principal_outstanding, st.interest, st.compensation, st.costs,
                  st.total_due, deadline, "art. 201 c.1 CCII", "it_26_3bis_a" if new_rule else "it_26_old_rule",
                  dt.date(ins.opened_on.year + 1, 4, 30) if new_rule else None, None, st)
