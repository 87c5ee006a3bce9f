"""Request and response bodies (pydantic). Responses are built from store rows and replayed status."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal, Optional

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints
from typing_extensions import Annotated

from correspondence.dispatch.model import Channel, DeliveryState, EventType
from correspondence.model.enums import ActionType, Jurisdiction


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class In(BaseModel):
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


class CaseOut(CaseSummary):
    outstanding: Decimal = Field(description="Principal still unpaid after all recorded payments")
    data: dict[str, Any] = Field(description="The validated case (parties, claim, options)")
    prescription: PrescriptionOut = Field(description="Prescription of the earliest credit, as of today")
    warnings: list[str] = Field(default_factory=list, description="E.g. a credit prescribed or about to be")


class PaymentIn(In):
    paid_on: dt.date
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    reference: Optional[str] = Field(default=None, max_length=120)


class PaymentOut(Out):
    id: uuid.UUID
    paid_on: dt.date
    amount: Decimal
    reference: Optional[str]
    created_at: dt.datetime


class ActionIn(In):
    occurred_on: dt.date
    type: ActionType
    description: Optional[str] = Field(default=None, max_length=1000)
    outcome: Optional[str] = Field(default=None, max_length=500)


class ActionOut(Out):
    id: uuid.UUID
    occurred_on: dt.date
    type: str
    description: Optional[str]
    outcome: Optional[str]
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
    format: Literal["pdf", "docx"] = "pdf"
    sign: bool = Field(default=False, description="Sign the PDF (PAdES) with the service's key; the unsigned "
                                                  "rendering is stored too and linked as `signed_from`")
    level: Literal["B-B", "B-T", "B-LT", "B-LTA"] = Field(
        default="B-B", description="PAdES level; B-T and above need a timestamp authority configured on the server")


class DocumentOut(Out):
    id: uuid.UUID
    case_id: Optional[uuid.UUID]
    origin: str
    signed_from_id: Optional[uuid.UUID] = Field(description="For a signed version: the document it signs")
    media_type: str
    filename: str
    sha256: str
    size: int
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


class EventIn(In):
    type: EventType
    occurred_at: AwareDatetime = Field(description="When it happened, with its UTC offset")
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
        default=None, description="When the PEC gestore's SMTP server took the message (sending is legally "
                                  "proven by the accettazione, not by this)")
    created_at: dt.datetime


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
    event_ids: list[uuid.UUID]
    created_at: dt.datetime

