"""Request and response bodies (pydantic). Responses are built from store rows and replayed status."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from typing_extensions import Annotated

from correspondence.dispatch.model import Channel, DeliveryState, EventType
from correspondence.model.base import CleanText, Day, Instant, Money
from correspondence.model.tax import ActionResult, SearchKind
from correspondence.model.enums import ActionType, DeliveryChannel, DocumentKind, Jurisdiction, Tone


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class In(CleanText):
    """Request bodies: unknown fields refused, no control characters in any text."""

    model_config = ConfigDict(extra="forbid")


class ProblemOut(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    field: Optional[str] = None
    errors: Optional[list[dict[str, str]]] = None


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]


# --- cases -------------------------------------------------------------------------------------------------

class CaseSummary(Out):
    id: uuid.UUID
    reference: Optional[str]
    debtor_name: str
    jurisdiction: str
    created_at: dt.datetime


class PrescriptionOut(Out):
    date: dt.date = Field(description="Last day on which the credit can be claimed or interrupted")
    status: Literal["ok", "expiring", "prescribed"]
    article: str
    invoice: Optional[str]
    interrupted: bool = Field(default=False, description="The term restarted from a delivered demand or a payment")
    since: Optional[dt.date] = Field(default=None, description="Start of the running term (due date or interruption)")


class FiguresOut(BaseModel):
    """The figures engine on the case as it stands at `at`: the same numbers a letter of that date prints."""

    at: dt.date
    principal: Decimal = Field(description="Sum of the invoices")
    payments: Decimal = Field(description="Payments up to `at` (case file and recorded since)")
    principal_outstanding: Decimal = Field(description="Principal still unpaid after imputation of payments "
                                                       "(interest and costs first: art. 1194 c.c., art. 1173 CC)")
    interest: Decimal
    compensation: Decimal = Field(description="Flat 40 EUR per invoice paid late, still unpaid")
    costs: Decimal
    total_due: Decimal


class StepDoneOut(BaseModel):
    step: str
    on: dt.date
    detail: str


class NextStepOut(BaseModel):
    phase: str = Field(description="opened | first_demand | contact | second_demand | home_visit | legal_notice "
                                   "| settled")
    step: str = Field(description="What to do next: data_check, first_demand, phone_call, tracing, second_demand, "
                                  "home_visit, legal_notice, await_delivery, court_or_report, close")
    due: Optional[dt.date]
    overdue: bool
    summary: str
    done: list[StepDoneOut]
    warnings: list[str]


class CasePlanOut(Out):
    """The plan or promise in force at `at` (the latest agreed by then) and the balance under it."""

    type: Literal["plan", "promise"]
    agreed_on: dt.date
    total: Decimal = Field(description="Acknowledged sum plus the agreed interest")
    paid: Decimal
    balance: Decimal = Field(description="What is left to pay under the plan")
    overdue: Decimal = Field(description="Unpaid part of the instalments already due")
    balance_due: Decimal = Field(description="What may be claimed now: the whole balance once a missed instalment "
                                             "made it due (art. 1186 c.c.; vencimiento anticipado), else overdue")
    broken_on: Optional[dt.date] = None
    status: Literal["running", "kept", "broken"]


class CaseOut(CaseSummary):
    version: int = Field(description="Current version of the case data (1 = as opened; each amendment adds one)")
    at: dt.date = Field(description="Date the figures and prescription are computed at")
    outstanding: Decimal = Field(description="Principal still unpaid after imputation of every payment up to `at` "
                                             "(= figures.principal_outstanding)")
    total_due: Decimal = Field(description="What the debtor owes at `at`: principal, interest, compensation, costs")
    figures: FiguresOut
    data: dict[str, Any] = Field(description="The validated case as filed (current version; parties, claim, options)")
    prescription: PrescriptionOut = Field(description="Prescription of the earliest credit at `at`, counting "
                                                      "delivered demands as interruptions")
    next: NextStepOut
    plan: Optional[CasePlanOut] = Field(default=None, description="The payment plan or promise in force at `at`, "
                                        "if any: `figures` stay the claim's (with default interest), the plan's "
                                        "balance is here; every plan at /v1/cases/{id}/plans")
    warnings: list[str] = Field(default_factory=list, description="E.g. a credit prescribed or about to be")


class CasePatchIn(In):
    """RFC 7396 merge patch of the case data (objects merge, null removes, lists replace) and why."""

    changes: dict[str, Any] = Field(description="Merge patch of the case fields, e.g. "
                                                "{\"debtor\": {\"address\": {...}}}", min_length=1)
    reason: Optional[str] = Field(default=None, max_length=300, description="Why (e.g. 'new address after tracing')")


class CaseVersionOut(Out):
    version: int
    reason: Optional[str]
    created_at: dt.datetime
    data: dict[str, Any]


class PaymentIn(In):
    paid_on: Day
    amount: Money = Field(gt=0)
    reference: Optional[str] = Field(default=None, max_length=120)
    invoice: Optional[str] = Field(default=None, max_length=60, description="Invoice the debtor paid (art. 1193 "
                                                                           "c.c., art. 1172 CC)")


class PaymentOut(Out):
    id: uuid.UUID
    paid_on: dt.date
    amount: Decimal
    reference: Optional[str]
    invoice: Optional[str]
    created_at: dt.datetime


class ActionIn(In):
    occurred_on: Day
    type: ActionType
    description: Optional[str] = Field(default=None, max_length=1000)
    outcome: Optional[str] = Field(default=None, max_length=500)
    channel: Optional[str] = Field(default=None, max_length=60)
    reference: Optional[str] = Field(default=None, max_length=120)
    search: Optional[SearchKind] = Field(default=None, description="For tracing and asset searches: the register")
    result: Optional[ActionResult] = Field(default=None, description="What the search, enforcement or plan gave")
    assets_value: Optional[Money] = Field(default=None, description="Realisable value of assets a search found")


class ActionOut(Out):
    id: uuid.UUID
    occurred_on: dt.date
    type: str
    description: Optional[str]
    outcome: Optional[str]
    search: Optional[str] = None
    result: Optional[str] = None
    assets_value: Optional[Decimal] = None
    created_at: dt.datetime


class TimelineEntryOut(BaseModel):
    at: dt.datetime
    kind: str
    summary: str
    ref: Optional[str] = Field(default=None, description="Id of the document, dispatch, receipt or event")


class TimelineOut(BaseModel):
    case_id: uuid.UUID
    entries: list[TimelineEntryOut]


# --- documents ---------------------------------------------------------------------------------------------

class RenderIn(In):
    kind: Optional[DocumentKind] = Field(default=None, description="Default: the case's kind")
    tone: Optional[Tone] = Field(default=None, description="Default: the case's tone")
    date: Optional[Day] = Field(default=None, description="Letter date; default today in the jurisdiction's "
                                                              "time zone. The case is folded as it stands that day")
    deadline_days: Optional[int] = Field(default=None, ge=1, le=120, description="Default: the kind's")
    delivery: Optional[DeliveryChannel] = Field(default=None, description="How it will be sent (printed in the header)")
    format: Literal["pdf", "docx"] = "pdf"
    strict: bool = Field(default=False, description="Refuse (422) when the figures use a rate not marked verified")
    sign: bool = Field(default=False, description="Sign the PDF (PAdES) with the service's key: the rendering is "
                                                  "stored, and its signed version (those bytes plus the signature) "
                                                  "points at it as `signed_from`")
    level: Literal["B-B", "B-T", "B-LT", "B-LTA"] = Field(
        default="B-B", description="PAdES level; B-T and above need a timestamp authority configured on the server")


class SignIn(In):
    level: Literal["B-B", "B-T", "B-LT", "B-LTA"] = "B-B"


class DocumentOut(Out):
    id: uuid.UUID
    case_id: Optional[uuid.UUID]
    origin: str
    signed_from_id: Optional[uuid.UUID] = Field(description="For a signed version: the document it signs")
    media_type: str
    filename: str
    sha256: str
    size: int
    kind: Optional[str] = Field(default=None, description="Rendered documents: the document kind")
    case_version: Optional[int] = Field(default=None, description="The case version it was made from")
    letter_date: Optional[dt.date] = None
    made_from: Optional[dict[str, Any]] = Field(
        default=None, description="Request, wording version and the figures the document was made from")
    created_at: dt.datetime


# --- dispatches --------------------------------------------------------------------------------------------

class PolicyIn(In):
    it_unclaimed: Literal["notice_left", "tenth_day", "end_of_giacenza"] = "notice_left"
    es_unclaimed: Literal["notice_left", "end_of_pickup_period", "collection_only"] = "notice_left"
    it_pec_after_21: bool = False


class DispatchIn(In):
    case_id: uuid.UUID
    document_id: uuid.UUID
    channel: Channel
    recipient: str = Field(min_length=1, max_length=320, description="PEC/e-mail address or postal address")
    recipient_name: Optional[str] = Field(default=None, max_length=300)
    jurisdiction: Optional[Jurisdiction] = Field(default=None, description="Defaults to the case's")
    deadline_days: Optional[int] = Field(default=None, ge=0, le=365, description="Defaults to the case's")
    policy: PolicyIn = Field(default_factory=PolicyIn)
    message_id: Optional[str] = Field(
        default=None, max_length=500,
        description="PEC: the Message-ID set on the submitted message (generated if omitted: then use it)")
    submitted_at: Optional[Instant] = Field(
        default=None, description="When the message was already sent elsewhere (registering it afterwards); "
                                  "receipts older than this are refused")


class EventIn(In):
    type: EventType
    occurred_at: Instant = Field(description="When it happened, with its UTC offset")
    source: Literal["carrier", "staff", "integration"] = "carrier"
    details: dict[Annotated[str, StringConstraints(min_length=1, max_length=60)],
                  Annotated[str, StringConstraints(max_length=1000)]] = Field(
        default_factory=dict, max_length=20, description="Carrier codes, tracking number, who refused...")


class EventOut(BaseModel):
    id: uuid.UUID
    type: EventType
    occurred_at: dt.datetime
    source: str
    trusted: bool
    details: dict[str, str]
    receipt_id: Optional[uuid.UUID]
    recorded_at: dt.datetime


class LegalBasisOut(BaseModel):
    rule: str
    explanation: str
    source: str
    deemed: bool
    provisional: bool


class DispatchOut(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    document_id: uuid.UUID
    channel: Channel
    recipient: str
    recipient_name: Optional[str]
    jurisdiction: str
    deadline_days: int
    policy: dict[str, Any]
    message_id: Optional[str]
    state: DeliveryState
    claimed_state: Optional[DeliveryState] = Field(
        description="What untrusted evidence (e.g. an unsigned receipt) claims, if different from `state`")
    final: bool
    legal_effective_at: Optional[dt.datetime]
    legal_basis: Optional[LegalBasisOut]
    deadline_at: Optional[dt.date] = Field(description="Last day given to pay, counted from the legal effect")
    events: list[EventOut]
    receipt_ids: list[uuid.UUID]
    submitted_at: Optional[dt.datetime] = Field(
        default=None, description="When it was handed to the carrier; for PEC, when the gestore's SMTP server "
                                  "took the message (sending is legally proven by the accettazione, not by this)")
    created_at: dt.datetime
    registered_after: bool = Field(default=False, description="Registered after being sent elsewhere")


class DispatchSummary(Out):
    id: uuid.UUID
    case_id: uuid.UUID
    channel: str
    recipient: str
    state: str
    legal_effective_at: Optional[dt.datetime]
    deadline_at: Optional[dt.date]


class OverdueOut(BaseModel):
    as_of: dt.date
    dispatches: list[DispatchSummary]


# --- receipts ----------------------------------------------------------------------------------------------

class SignatureOut(BaseModel):
    present: Optional[bool]
    valid: Optional[bool]


class ReceiptOut(BaseModel):
    id: uuid.UUID
    dispatch_id: uuid.UUID
    kind: str
    media_type: str
    filename: str
    sha256: str
    size: int
    signature: SignatureOut
    flagged: bool
    flag_reason: Optional[str]
    details: dict[str, Any]
    matches_document: Optional[bool] = Field(
        default=None, description="PEC ricevuta completa/breve: the original's attachment is the dispatched "
                                  "document (null: the receipt carries no attachment to compare)")
    event_ids: list[uuid.UUID]
    created_at: dt.datetime

