"""The case: everything one document needs, validated once at the boundary."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import Field, model_validator

from .base import Day, FieldError, Model, Money
from .brand import Brand
from .claim import Claim
from .enums import (
    CATALAN_PROVINCES, CONSUMER_MIN_DEADLINE_DAYS, DEFAULT_DEADLINE_DAYS, DEFAULT_JURISDICTION, SUPPORTED_CIVIL_LAWS,
    ActionType, CivilLaw, CreditType, DeliveryChannel, DocumentKind, Jurisdiction, Language, Tone,
)
from .limits import MAX_ACTIONS
from .party import Creditor, Debtor, Representative, Signatory
from .plan import Offer, Plan
from .tax import ActionResult, CostInputs, Impairment, SearchKind


class Action(Model):
    """A step already taken on the case (letters, calls, visits, tracing); feeds second letters and the report."""

    date: Day
    type: ActionType
    description: Optional[str] = Field(default=None, max_length=1000)
    outcome: Optional[str] = Field(default=None, max_length=500)
    channel: Optional[str] = Field(default=None, max_length=60,
                                   description="How a letter was sent (a DeliveryChannel value for letters)")
    reference: Optional[str] = Field(default=None, max_length=120)
    document_kind: Optional[DocumentKind] = Field(default=None, description="For a letter: which document was sent")
    delivered_on: Optional[Day] = Field(
        default=None, description="For a letter: the date it took legal effect (delivered or deemed delivered); "
                                  "None when delivery is not proven")
    delivery_rule: Optional[str] = Field(default=None, max_length=200,
                                         description="The rule that fixed delivered_on (e.g. art. 1335 c.c.)")
    evidence: Optional[str] = Field(default=None, max_length=200,
                                    description="What proves it: a stored document or receipt (SHA-256, dispatch id)")
    search: Optional[SearchKind] = Field(default=None, description="For tracing and asset searches: which register")
    result: Optional[ActionResult] = Field(default=None, description="What the search, enforcement or plan gave")
    assets_value: Optional[Money] = Field(default=None, description="Realisable value of assets a search found")


class Insolvency(Model):
    """An insolvency proceeding opened against the debtor (IT CCII, ES TRLC): interest stops at `opened_on`
    (art. 154 CCII, art. 152 TRLC) and the claim is filed in the proceeding instead of demanded."""

    procedure: str = Field(min_length=1, max_length=120,
                           description="e.g. liquidazione_giudiziale, concordato_preventivo, concurso")
    opened_on: Day = Field(description="Date of the opening judgment / auto de declaración")
    published_on: Optional[Day] = Field(default=None, description="ES: publication in the BOE (art. 255 TRLC)")
    court: Optional[str] = Field(default=None, max_length=200)
    administrator: Optional[str] = Field(default=None, max_length=300, description="Curatore / administración concursal")
    hearing_on: Optional[dt.date] = Field(default=None, description="IT: hearing for the stato passivo (art. 201 CCII)")


class ReportInfo(Model):
    """Facts for the uncollectability report that are not on the timeline."""

    debtor_situation: Optional[str] = Field(default=None, max_length=2000)
    asset_search: Optional[str] = Field(default=None, max_length=2000)
    insolvency_proceeding: Optional[str] = Field(default=None, max_length=500)
    conclusion: Optional[str] = Field(default=None, max_length=2000)
    recipient: Optional[str] = Field(default=None, max_length=300, description="Who the report is addressed to")
    year_end: Optional[dt.date] = Field(default=None, description="Tax period end the grounds are tested at "
                                                                  "(ES art. 13.1 LIS: the accrual date)")
    impairment: Optional[Impairment] = None
    cost_inputs: CostInputs = Field(default_factory=CostInputs)


class Options(Model):
    pdfa: Optional[bool] = Field(default=None, description="PDF/A-3b output; default on for legal notices")
    signature_field: bool = Field(default=True, description="PDF letters carry an empty signature field where the "
                                                            "layout reserves room for the signature")
    leap_year_366: bool = Field(default=False, description="Italian practice: 366-day years in leap years")
    allow_prescribed: bool = Field(default=False, description="Override: write a demand for a prescribed credit")
    termination: bool = Field(default=False, description="Legal notice also as diffida ad adempiere / resolution")
    credit_file_warning: bool = Field(default=False, description="ES: warn of inclusion in credit files (art. 20 LOPDGDD)")
    credit_file_system: Optional[str] = Field(default=None, max_length=120,
                                              description="ES: the credit-information system the creditor takes "
                                                          "part in, named in the warning (art. 20 LOPDGDD)")
    waive_charges: bool = Field(default=False, description="The creditor waives late-payment interest and the "
                                                           "flat compensation for this letter (a courtesy)")


class Case(Model):
    language: Language
    jurisdiction: Optional[Jurisdiction] = None
    civil_law: Optional[CivilLaw] = Field(
        default=None, description="ES: civil law governing the claim; default Catalan for a debtor in Barcelona, "
                                  "Girona, Lleida or Tarragona, else the Código Civil")
    kind: DocumentKind = DocumentKind.first_demand
    tone: Tone = Tone.courteous
    credit_type: CreditType = CreditType.commercial
    date: Day = Field(default_factory=dt.date.today, description="Date of the letter")
    place: str = Field(min_length=1, max_length=100)
    reference: Optional[str] = Field(default=None, max_length=80, description="File number, printed as 'Rif.'")
    delivery: Optional[DeliveryChannel] = Field(default=None, description="How the letter is sent (printed in its header)")
    creditor: Creditor
    debtor: Debtor
    representative: Optional[Representative] = None
    claim: Claim
    deadline_days: Optional[int] = Field(default=None, ge=1, le=120)
    signatory: Optional[Signatory] = Field(default=None, description=(
        "Who signs; may be left out when the letter's brand names a signatory (the case's own wins)"))
    brand: Brand = Field(default_factory=Brand)
    actions: list[Action] = Field(default_factory=list, max_length=MAX_ACTIONS)
    report: ReportInfo = Field(default_factory=ReportInfo)
    insolvency: Optional[Insolvency] = None
    plan: Optional[Plan] = Field(default=None, description="Acknowledgment of debt with instalments, or a promise")
    offer: Optional[Offer] = Field(default=None, description="Settlement offer: amount or discount, valid_until")
    options: Options = Field(default_factory=Options)

    @model_validator(mode="after")
    def _defaults_and_coherence(self) -> "Case":
        if self.jurisdiction is None:
            self.jurisdiction = DEFAULT_JURISDICTION[self.language]
        self._civil_law()
        if self.deadline_days is None:
            default = DEFAULT_DEADLINE_DAYS[self.kind]
            # consumers get a longer term (legal-it-es.md §6: 10-15 days advisable)
            self.deadline_days = (max(default, CONSUMER_MIN_DEADLINE_DAYS) if default and
                                  not self.debtor.type.is_commercial else default) or None
        if (self.options.termination and self.jurisdiction is Jurisdiction.IT and self.kind.is_letter
                and self.deadline_days is not None and self.deadline_days < 15):
            raise FieldError("deadline_days", "a diffida ad adempiere (options.termination) needs at least "
                                              "15 days (art. 1454 c.c.)")
        self._termination()
        self._agreement()
        if self.kind.is_letter:
            late = [i.number for i in self.claim.invoices if i.due_date > self.date]
            if late:
                raise FieldError(
                    "claim.invoices", f"due date of {', '.join(late)} is after the letter date {self.date.isoformat()}; "
                    "nothing is due yet")
        return self

    def _civil_law(self) -> None:
        if self.jurisdiction is not Jurisdiction.ES:
            if self.civil_law not in (None, CivilLaw.common):
                raise FieldError("civil_law", "a regional civil law applies only to Spanish cases")
            self.civil_law = CivilLaw.common
            return
        if self.civil_law is None:
            province = self.debtor.address.province if self.debtor.address.country == "ES" else None
            self.civil_law = CivilLaw.catalan if province in CATALAN_PROVINCES else CivilLaw.common
        if self.civil_law not in SUPPORTED_CIVIL_LAWS:
            raise FieldError("civil_law", f"the {self.civil_law.value} civil law is not supported yet "
                                          "(supported: common, catalan)")

    def _termination(self) -> None:
        """Termination only where it can work: art. 1453-1454 c.c. need a contract with mutual obligations;
        art. 1186 c.c. (decadenza dal beneficio del termine) needs the loan's schedule; art. 1525 c.c. forbids
        it for a single unpaid instalment of at most 1/8 of the price in a sale with reservation of title."""
        if not (self.options.termination and self.kind.is_letter):
            return
        if self.credit_type is CreditType.condominium:
            raise FieldError("options.termination", "condominium contributions arise from no contract that can be "
                                                    "terminated (arts. 1123, 1453 c.c.; art. 9 LPH)")
        if self.credit_type is CreditType.consumer_credit:
            raise FieldError("options.termination", "terminating a loan makes the remaining capital due (art. 1186 "
                                                    "c.c., art. 1129 CC), which needs the loan's schedule: not "
                                                    "supported; claim the instalments due instead")
        claim = self.claim
        if (self.credit_type is CreditType.installment_sale and self.jurisdiction is Jurisdiction.IT
                and claim.title_reserved and claim.price is not None and len(claim.invoices) == 1
                and claim.invoices[0].amount * 8 <= claim.price):
            raise FieldError("options.termination", "one unpaid instalment of at most one eighth of the price "
                                                    "does not allow termination (art. 1525 c.c.)")

    def _agreement(self) -> None:
        """The agreement documents need their agreement: a plan (art. 1988 c.c.) or an offer valid on the date."""
        if self.kind in (DocumentKind.payment_plan, DocumentKind.missed_instalment) and self.plan is None:
            raise FieldError("plan", f"a {self.kind.value} needs the plan (instalments with due_date and amount)")
        if self.kind is DocumentKind.missed_instalment and self.plan and self.plan.since is None:
            raise FieldError("plan.agreed_on", "a missed_instalment notice needs the date the plan was agreed "
                                               "(agreed_on or signed_on)")
        if self.kind is DocumentKind.settlement_offer and self.offer is None:
            raise FieldError("offer", "a settlement_offer needs the offer (amount or discount, and valid_until)")
        if self.kind is DocumentKind.settlement_offer and self.offer and self.offer.valid_until < self.date:
            raise FieldError("offer.valid_until", f"{self.offer.valid_until.isoformat()} is before the letter date "
                                                  f"{self.date.isoformat()}")
        if self.plan is not None and self.plan.signed_on is not None and self.plan.signed_on > self.date:
            raise FieldError("plan.signed_on", f"{self.plan.signed_on.isoformat()} is after the letter date "
                                               f"{self.date.isoformat()}")

    @property
    def sender_name(self) -> str:
        return self.representative.name if self.representative else self.creditor.name
