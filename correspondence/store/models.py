"""Database tables (SQLAlchemy 2). Every row carries its tenant so every query can be scoped by it.

Evidence rows (receipts, events, payments, actions) are append-only: nothing in the code updates or deletes
them. Files live in the blob store; a row stores the SHA-256 that addresses them.
"""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import (
    JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, MetaData, Numeric, String, Text, UniqueConstraint, false,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import UTCDateTime, utcnow

JSONType = JSON().with_variant(JSONB(), "postgresql")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSONType}


def _uuid() -> uuid.UUID:
    return uuid.uuid4()


class Tenant(Base):
    """A firm. API keys are bound to one tenant and every other row belongs to one."""

    __tablename__ = "tenants"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    """Only the SHA-256 of the secret is kept; the public `id` lets lookups avoid scanning hashes."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    label: Mapped[Optional[str]] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[Optional[dt.datetime]]
    tenant: Mapped[Tenant] = relationship()


class CaseRecord(Base):
    """A case as validated by `correspondence.model.Case`; `data` is its JSON form."""

    __tablename__ = "cases"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    reference: Mapped[Optional[str]] = mapped_column(String(80))
    debtor_name: Mapped[str] = mapped_column(String(300))
    jurisdiction: Mapped[str] = mapped_column(String(2))
    data: Mapped[dict[str, Any]]  # the current version (a copy of the last `CaseVersion.data`)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CaseVersion(Base):
    """Every version of a case's data, version 1 being the case as opened. Append-only: an amendment (a new
    address after tracing, a corrected invoice) adds a row, so documents keep pointing at what they used."""

    __tablename__ = "case_versions"
    __table_args__ = (UniqueConstraint("case_id", "version"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]]
    reason: Mapped[Optional[str]] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Document(Base):
    """A generated or uploaded document. Same bytes for the same tenant = same document."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("tenant_id", "sha256"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    case_id: Mapped[Optional[uuid.UUID]] = mapped_column(ForeignKey("cases.id"), index=True)
    origin: Mapped[str] = mapped_column(String(16))  # rendered | uploaded
    # a signed (or otherwise finalised) version points to the document it was made from
    signed_from_id: Mapped[Optional[uuid.UUID]] = mapped_column(ForeignKey("documents.id"))
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    # rendered documents: what they were made from (kind, case version, letter date, wording and figures)
    kind: Mapped[Optional[str]] = mapped_column(String(40))
    case_version: Mapped[Optional[int]] = mapped_column(Integer)
    letter_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    made_from: Mapped[Optional[dict[str, Any]]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Dispatch(Base):
    """A document sent to one recipient through one channel. `state`, `legal_effective_at` and
    `deadline_at` are a cache of the last replay of its events, kept for list queries."""

    __tablename__ = "dispatches"
    __table_args__ = (
        # one PEC message to several recipients = one dispatch per recipient sharing the Message-ID
        UniqueConstraint("tenant_id", "message_id", "recipient"),
        Index("ix_dispatches_tenant_deadline", "tenant_id", "deadline_at"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id"))
    channel: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[Optional[str]] = mapped_column(String(300))
    jurisdiction: Mapped[str] = mapped_column(String(2))
    deadline_days: Mapped[int] = mapped_column(Integer)
    policy: Mapped[dict[str, Any]]  # LegalEffectPolicy fields; {} = defaults
    message_id: Mapped[Optional[str]] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(40))
    legal_effective_at: Mapped[Optional[dt.datetime]]
    legal_rule: Mapped[Optional[str]] = mapped_column(String(300))  # the legal source of legal_effective_at
    deadline_at: Mapped[Optional[dt.date]] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: when the message was handed to the carrier / gestore; receipts older than this are refused
    submitted_at: Mapped[Optional[dt.datetime]]
    #: True when the dispatch was registered after being sent elsewhere (submitted_at given by the client)
    registered_after: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Mailbox(Base):
    """A tenant's PEC mailbox: where its notices are submitted (SMTP) and its receipts collected (IMAP).
    The password is stored encrypted (`store.secretbox`) and never shown back."""

    __tablename__ = "mailboxes"
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # pec
    address: Mapped[str] = mapped_column(String(320))
    smtp_url: Mapped[str] = mapped_column(String(500))
    imap_url: Mapped[str] = mapped_column(String(500))
    username: Mapped[str] = mapped_column(String(320))
    password_encrypted: Mapped[str] = mapped_column(Text)
    processed_folder: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class UnmatchedReceipt(Base):
    """A PEC receipt left in the mailbox by the last collection pass (it matched no dispatch, or the history
    refused it). Not evidence: the mailbox keeps the message; each pass replaces the tenant's list."""

    __tablename__ = "unmatched_receipts"
    __table_args__ = (UniqueConstraint("tenant_id", "folder", "uid"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    folder: Mapped[str] = mapped_column(String(200))
    uid: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    reference: Mapped[Optional[str]] = mapped_column(String(998))  # X-Riferimento-Message-ID as found
    size: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Webhook(Base):
    """A tenant's subscription: events are POSTed to `url`, signed as Standard Webhooks with `secret`
    (sealed with the server key, shown once at creation)."""

    __tablename__ = "webhooks"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[dict[str, Any]]  # {"types": [...]}
    secret_encrypted: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One event for one webhook and every attempt to deliver it (log kept; `event_id` once per webhook)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("webhook_id", "event_id"), Index("ix_webhook_deliveries_due", "status",
                                                                        "next_attempt_at"))
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    webhook_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhooks.id"))
    event_id: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    log: Mapped[dict[str, Any]]  # {"attempts": [{"at", "status_code", "error", "duration_ms"}]}
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[Optional[dt.datetime]] = mapped_column()


class Receipt(Base):
    """A file proving something about a dispatch (PEC receipt, scan of a return card...). Append-only."""

    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("dispatch_id", "sha256"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    dispatch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dispatches.id"))
    kind: Mapped[str] = mapped_column(String(32))
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    signature_present: Mapped[Optional[bool]] = mapped_column(Boolean)
    signature_valid: Mapped[Optional[bool]] = mapped_column(Boolean)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_reason: Mapped[Optional[str]] = mapped_column(Text)
    details: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EventRecord(Base):
    """One normalised dispatch event. `fingerprint` makes re-posting the same event idempotent."""

    __tablename__ = "dispatch_events"
    __table_args__ = (UniqueConstraint("dispatch_id", "fingerprint"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    dispatch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dispatches.id"))
    type: Mapped[str] = mapped_column(String(60))
    occurred_at: Mapped[dt.datetime]
    utc_offset_minutes: Mapped[int] = mapped_column(Integer, default=0)  # the zone the evidence stated
    source: Mapped[str] = mapped_column(String(200))
    trusted: Mapped[bool] = mapped_column(Boolean)
    details: Mapped[dict[str, Any]]
    receipt_id: Mapped[Optional[uuid.UUID]] = mapped_column(ForeignKey("receipts.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PaymentRecord(Base):
    """A payment received on a case after it was opened (the case file lists earlier ones)."""

    __tablename__ = "payments"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reference: Mapped[Optional[str]] = mapped_column(String(120))
    invoice: Mapped[Optional[str]] = mapped_column(String(60))  # the invoice the debtor imputed it to
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PlanRecord(Base):
    """A payment plan or a promise to pay recorded on a case (append-only; the latest agreed one counts)."""

    __tablename__ = "case_plans"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    type: Mapped[str] = mapped_column(String(20))  # plan | promise
    agreed_on: Mapped[dt.date] = mapped_column(Date)
    data: Mapped[dict[str, Any]]  # the validated `Plan`, as JSON
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ActionRecord(Base):
    """A step taken on a case (call, visit, tracing...) recorded after the case was opened."""

    __tablename__ = "case_actions"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(40))
    description: Mapped[Optional[str]] = mapped_column(String(1000))
    outcome: Mapped[Optional[str]] = mapped_column(String(500))
    channel: Mapped[Optional[str]] = mapped_column(String(60))
    reference: Mapped[Optional[str]] = mapped_column(String(120))
    search: Mapped[Optional[str]] = mapped_column(String(40))  # SearchKind: which register was searched
    result: Mapped[Optional[str]] = mapped_column(String(20))  # ActionResult: positive | negative | inconclusive
    assets_value: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class IdempotencyRecord(Base):
    """`Idempotency-Key` of a create request: the same key and body give back the resource first created."""

    __tablename__ = "idempotency_keys"
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    resource: Mapped[str] = mapped_column(String(20))
    resource_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    request_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class User(Base):
    """A member of a tenant's staff who signs in to the pages with a password (kept only as a scrypt hash)."""

    __tablename__ = "users"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[Optional[dt.datetime]]


class BrandVersion(Base):
    """One version of a tenant's brand (`brand.yaml` fields as JSON). Append-only: a change is a new
    version, so a document keeps pointing at the brand that produced it."""

    __tablename__ = "brands"
    __table_args__ = (UniqueConstraint("tenant_id", "name", "version"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]]
    sha256: Mapped[str] = mapped_column(String(64))  # brand fields and asset digests together
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    assets: Mapped[list["BrandAsset"]] = relationship(order_by="BrandAsset.filename", lazy="selectin")


class BrandAsset(Base):
    """A file of a brand version (logo, font, signature, letterhead), stored as a blob."""

    __tablename__ = "brand_assets"
    __table_args__ = (UniqueConstraint("brand_id", "filename"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    brand_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("brands.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)


class WordingFile(Base):
    """One version of a tenant's wording override file (`<kind>.j2`, `blocks.j2`, `_<helper>.j2`) for a
    language. Append-only; a version without source withdraws the file (the packaged text applies again)."""

    __tablename__ = "wording_files"
    __table_args__ = (UniqueConstraint("tenant_id", "language", "name", "version"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
