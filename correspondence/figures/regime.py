"""Which interest regime, rate, start day and flat compensation apply to a case and each invoice.

- Business / public-administration debtors: late-payment law (IT D.Lgs. 231/2002, ES Ley 3/2004), rate =
  ECB reference rate of the half-year + margin, from the day after the due date, no demand needed, plus
  40 EUR per late invoice (IT art. 6 c.2, ES art. 8; CJEU C-585/20).
  Margins: IT +8, +7 for contracts concluded before 2013 (D.Lgs. 192/2012 art. 3; no 40 EUR either);
  IT agri-food +2 more (D.L. 1/2012 art. 62 c.3), +4 from 4 Jul 2015 (D.L. 51/2015), then D.Lgs.
  198/2021 art. 4 c.2 (+4). ES +7 until 23 Feb 2013, +8 from 24 Feb 2013 (RDL 4/2013), in the table.
- Consumers (and loans or condominium fees, outside the late-payment law): legal interest.
  IT art. 1284 c.1 c.c. from the day after the due date (mora ex re, arts. 1219 c.2 n.3, 1182);
  ES arts. 1100, 1108 CC from the day after the demand (``Claim.interest_from_demand``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Mapping

from ..model import Case, CreditType, Invoice, Jurisdiction
from .interest import ONE_DAY, RateSchedule
from .charges import compensation_excluded_by_insolvency, insolvency_stop
from .rates import RateRow, RateTable

FLAT_COMPENSATION = Decimal("40.00")
IT_2013 = date(2013, 1, 1)  # D.Lgs. 192/2012 art. 3: the 2012 rules apply to contracts from this day
ES_RDL_4_2013 = date(2013, 2, 24)  # Ley 3/2004 art. 8 (40 EUR) and the +8 margin from this day
IT_AGRI_PLUS_4 = date(2015, 7, 4)  # D.L. 51/2015 art. 2 c.3: agri-food extra margin 2 -> 4
IT_DLGS_198_2021 = date(2021, 12, 15)  # D.Lgs. 198/2021 in force (source citation only; margin unchanged)
EXCLUDED_CREDIT_TYPES = frozenset({CreditType.consumer_credit, CreditType.condominium})

CITATIONS = {
    "IT_DLGS_231_2002": ("D.Lgs. 231/2002 arts. 2, 4, 5 (as replaced by D.Lgs. 192/2012)",
                         "D.Lgs. 231/2002 art. 6 c.2; CJEU C-585/20", "art. 1194 c.c.", "art. 1193 c.c."),
    "IT_DLGS_198_2021": ("D.Lgs. 198/2021 art. 4 c.2", "D.Lgs. 231/2002 arts. 2, 4, 5",
                         "D.Lgs. 231/2002 art. 6 c.2; CJEU C-585/20", "art. 1194 c.c.", "art. 1193 c.c."),
    "IT_CC_1284": ("art. 1284 c.1 c.c.", "arts. 1219, 1182, 1224 c.c.", "art. 1194 c.c.", "art. 1193 c.c."),
    "ES_LEY_3_2004": ("Ley 3/2004 arts. 5, 7", "Ley 3/2004 art. 8; CJEU C-585/20", "art. 1173 CC", "art. 1174 CC"),
    "ES_CC_1108": ("arts. 1100, 1108 CC", "art. 1173 CC", "art. 1174 CC"),
    "NONE": (),
}


@dataclass(frozen=True)
class Regime:
    """The rules for one case; per-invoice answers come from its methods."""

    case: Case
    kind: str  # "commercial" | "legal" | "none"
    law: str
    table: RateTable | None
    notes: tuple[str, ...]

    @property
    def citations(self) -> tuple[str, ...]:
        return CITATIONS[self.law]

    def contract_date(self, inv: Invoice) -> date:
        """The contract date, or the invoice's issue date when unknown (the contract cannot be later)."""
        return self.case.claim.contract_date or inv.issue_date

    def interest_until(self) -> date | None:
        """Last day interest accrues, when an insolvency opening stopped it (see `charges`)."""
        return insolvency_stop(self.case)

    def first_day(self, inv: Invoice) -> date | None:
        """First day that accrues interest, or None when interest has not started (ES without demand)."""
        if self.kind == "none" or not self.case.claim.interest or self.case.options.waive_charges:
            return None
        if self.kind == "legal" and self.case.jurisdiction is Jurisdiction.ES:
            demand = self.case.claim.interest_from_demand
            return None if demand is None else max(inv.due_date, demand) + ONE_DAY
        return inv.due_date + ONE_DAY

    def compensation(self, inv: Invoice) -> Decimal:
        """Flat compensation owed if this invoice is paid late (0 outside the late-payment law)."""
        if (self.kind != "commercial" or self.case.claim.delay_excused or self.case.options.waive_charges
                or compensation_excluded_by_insolvency(self.case, inv.due_date)):
            return Decimal("0.00")
        start = IT_2013 if self.case.jurisdiction is Jurisdiction.IT else ES_RDL_4_2013
        return FLAT_COMPENSATION if self.contract_date(inv) >= start else Decimal("0.00")

    def margin(self, inv: Invoice, day: date) -> Decimal | None:
        """Margin on `day` for this invoice; None means the table row's own margin."""
        if self.kind != "commercial" or self.case.jurisdiction is not Jurisdiction.IT:
            return None
        base = Decimal("7.00") if self.contract_date(inv) < IT_2013 else Decimal("8.00")
        if self.case.claim.agri_food:
            return base + (Decimal("4.00") if day >= IT_AGRI_PLUS_4 else Decimal("2.00"))
        return base if base != 8 else None

    def schedule(self, inv: Invoice) -> RateSchedule | None:
        if self.table is None:
            return None
        changes = (IT_AGRI_PLUS_4, IT_DLGS_198_2021) if self.law == "IT_DLGS_198_2021" else ()
        return RateSchedule(self.table, margin=lambda day: self.margin(inv, day), changes=changes,
                            describe=lambda day, row: self._describe(inv, day, row))

    def _describe(self, inv: Invoice, day: date, row: RateRow) -> str:
        if self.kind == "legal":
            basis = "art. 1284 c.1 c.c." if self.table and self.table.name == "legal_it" else "arts. 1100, 1108 CC"
            return f"{row.source}; {basis}"
        formula = f"ECB {row.reference_rate} + {row.margin}"
        if self.case.jurisdiction is Jurisdiction.ES:
            return f"{row.source}; Ley 3/2004 art. 7 ({formula})"
        if self.law == "IT_DLGS_198_2021":
            basis = ("D.Lgs. 198/2021 art. 4 c.2" if day >= IT_DLGS_198_2021 else
                     "D.L. 1/2012 art. 62 c.3 as amended by D.L. 51/2015" if day >= IT_AGRI_PLUS_4 else
                     "D.L. 1/2012 art. 62 c.3")
            return f"{row.source}; D.Lgs. 231/2002 art. 5 + {basis} ({formula})"
        if self.contract_date(inv) < IT_2013:
            return f"{row.source}; D.Lgs. 231/2002 art. 5 before D.Lgs. 192/2012, contract before 2013 ({formula})"
        return f"{row.source}; D.Lgs. 231/2002 art. 5 ({formula})"


def select_regime(case: Case, tables: Mapping[str, RateTable]) -> Regime:
    """Pick the regime from debtor type, credit type, jurisdiction and the claim's flags."""
    claim, notes = case.claim, []
    it = case.jurisdiction is Jurisdiction.IT
    if claim.delay_excused:
        return Regime(case, "none", "NONE", None, ("DELAY_EXCUSED",))
    if case.options.waive_charges:
        notes.append("CHARGES_WAIVED")
    if case.insolvency is not None:
        notes.append("INSOLVENCY_INTEREST_STOPPED")
    if not claim.interest:  # the regime still decides the flat compensation; no interest accrues
        notes.append("INTEREST_NOT_CLAIMED")
    commercial = case.debtor.type.is_commercial and case.credit_type not in EXCLUDED_CREDIT_TYPES
    if case.debtor.type.is_commercial and not commercial:
        notes.append("LATE_PAYMENT_LAW_EXCLUDED_CREDIT_TYPE")
    if commercial:
        if claim.agri_food and not it:
            notes.append("ES_AGRI_FOOD_NO_EXTRA_MARGIN")
        if it and any((claim.contract_date or i.issue_date) < IT_2013 for i in claim.invoices):
            notes.append("IT_CONTRACT_BEFORE_2013")
        if not it and any((claim.contract_date or i.issue_date) < ES_RDL_4_2013 for i in claim.invoices):
            notes.append("ES_CONTRACT_BEFORE_24_FEB_2013")
        law = ("IT_DLGS_198_2021" if claim.agri_food else "IT_DLGS_231_2002") if it else "ES_LEY_3_2004"
        table = tables["commercial_it" if it else "commercial_es"]
        return Regime(case, "commercial", law, table, tuple(notes))
    if not it and claim.interest_from_demand is None and claim.interest:
        notes.append("ES_INTEREST_FROM_DEMAND_NOT_SET")
    law = "IT_CC_1284" if it else "ES_CC_1108"
    return Regime(case, "legal", law, tables["legal_it" if it else "legal_es"], tuple(notes))
