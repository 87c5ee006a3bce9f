"""Use cases: webhook subscriptions and the events they receive.

A tenant subscribes a URL to some of `EVENTS`; each event becomes one delivery row per subscribed webhook
(`event_id` unique per webhook, so an event noticed twice, by two passes or two processes, is sent once).
Events: ``receipt.attached`` (a receipt joined a dispatch), ``dispatch.delivered`` and ``dispatch.failed``
(the replayed state reached delivered, or undeliverable/rejected/failed/lost), ``deadline.expired`` (the
term given in a delivered letter is over: noticed by `check_deadlines`, run periodically, not only when
someone reads the dispatch). Sending, signing and retries are in `webhook_delivery`.
"""
from __future__ import annotations

import base64
import datetime as dt
import secrets
import uuid
from typing import Any, Iterable
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..dispatch.model import DeliveryState
from ..errors import InputError, NotFound
from ..settings import Settings, resolve
from ..store.models import Dispatch, Receipt, Webhook, WebhookDelivery
from ..store.secretbox import seal
from ..store.types import utcnow
from .webhook_targets import check_subscription

EVENTS = ("receipt.attached", "dispatch.delivered", "dispatch.failed", "deadline.expired")
FAILED_STATES = {DeliveryState.undeliverable.value, DeliveryState.rejected.value, DeliveryState.failed.value,
                 DeliveryState.lost.value}
MAX_WEBHOOKS = 20


def create_webhook(session: Session, tenant_id: uuid.UUID, url: str, events: Iterable[str], *,
                   config: Settings | None = None) -> tuple[Webhook, str]:
    """Subscribe `url` to `events`; returns the row and its signing secret (``whsec_...``, shown once).
    A private or local host is refused (`webhook_targets`)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InputError("url", "must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise InputError("url", "must not contain credentials: the payload signature authenticates us")
    check_subscription(url, allow_private=resolve(config).webhook_allow_private)
    chosen = list(dict.fromkeys(events))
    if not chosen:
        raise InputError("events", f"must name at least one of {', '.join(EVENTS)}")
    unknown = [e for e in chosen if e not in EVENTS]
    if unknown:
        raise InputError("events", f"unknown event {unknown[0]!r}: use {', '.join(EVENTS)}")
    count = len(list(session.scalars(select(Webhook.id).where(Webhook.tenant_id == tenant_id))))
    if count >= MAX_WEBHOOKS:
        raise InputError("url", f"a tenant may have at most {MAX_WEBHOOKS} webhooks")
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")
    row = Webhook(tenant_id=tenant_id, url=url, events={"types": chosen}, secret_encrypted=seal(secret))
    session.add(row)
    session.commit()
    return row, secret


def get_webhook(session: Session, tenant_id: uuid.UUID, webhook_id: uuid.UUID) -> Webhook:
    row = session.get(Webhook, webhook_id)
    if row is None or row.tenant_id != tenant_id:
        raise NotFound("webhook")
    return row


def list_webhooks(session: Session, tenant_id: uuid.UUID) -> list[Webhook]:
    return list(session.scalars(select(Webhook).where(Webhook.tenant_id == tenant_id).order_by(Webhook.created_at)))


def deliveries(session: Session, tenant_id: uuid.UUID, webhook_id: uuid.UUID) -> list[WebhookDelivery]:
    get_webhook(session, tenant_id, webhook_id)
    return list(session.scalars(select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
                                .order_by(WebhookDelivery.created_at)))


def emit(session: Session, tenant_id: uuid.UUID, event_type: str, event_id: str, data: dict[str, Any]) -> int:
    """Queue `event_type` for every subscribed webhook that has not had `event_id` yet; commits.
    Returns how many deliveries were queued."""
    queued = 0
    for hook in list_webhooks(session, tenant_id):
        if not hook.active or event_type not in hook.events.get("types", ()):
            continue
        if session.scalar(select(WebhookDelivery.id).where(WebhookDelivery.webhook_id == hook.id,
                                                           WebhookDelivery.event_id == event_id)) is not None:
            continue
        now = utcnow()
        payload = {"type": event_type, "timestamp": now.isoformat(), "data": data}
        session.add(WebhookDelivery(tenant_id=tenant_id, webhook_id=hook.id, event_id=event_id,
                                    event_type=event_type, payload=payload, status="pending", attempts=0,
                                    next_attempt_at=now, log={"attempts": []}))
        queued += 1
    if queued:
        session.commit()
    return queued


def dispatch_data(dispatch: Dispatch) -> dict[str, Any]:
    return {"dispatch_id": str(dispatch.id), "case_id": str(dispatch.case_id), "channel": dispatch.channel,
            "recipient": dispatch.recipient, "state": dispatch.state, "message_id": dispatch.message_id,
            "legal_effective_at": dispatch.legal_effective_at.isoformat() if dispatch.legal_effective_at else None,
            "legal_rule": dispatch.legal_rule,
            "deadline_at": dispatch.deadline_at.isoformat() if dispatch.deadline_at else None}


def receipt_events(session: Session, tenant_id: uuid.UUID, receipts: Iterable[Receipt]) -> None:
    """The events of receipts just attached: receipt.attached, and the dispatch's outcome if it has one."""
    for receipt in receipts:
        dispatch = session.get(Dispatch, receipt.dispatch_id)
        if dispatch is None:
            continue
        session.refresh(dispatch)
        emit(session, tenant_id, "receipt.attached", f"receipt.attached:{receipt.id}", {
            "receipt_id": str(receipt.id), "kind": receipt.kind, "flagged": receipt.flagged,
            "flag_reason": receipt.flag_reason, "pec_kind": (receipt.details or {}).get("pec_kind"),
            **dispatch_data(dispatch)})
        outcome_events(session, dispatch)


def outcome_events(session: Session, dispatch: Dispatch) -> None:
    """dispatch.delivered / dispatch.failed once the dispatch's replayed state says so."""
    if dispatch.state == DeliveryState.delivered.value:
        emit(session, dispatch.tenant_id, "dispatch.delivered", f"dispatch.delivered:{dispatch.id}",
             dispatch_data(dispatch))
    elif dispatch.state in FAILED_STATES:
        emit(session, dispatch.tenant_id, "dispatch.failed", f"dispatch.failed:{dispatch.id}:{dispatch.state}",
             dispatch_data(dispatch))


def check_deadlines(session: Session, today: dt.date | None = None) -> int:
    """The periodic check: every dispatch whose term ended before `today` (UTC date) gets one
    deadline.expired event per subscribed webhook. Returns how many deliveries were queued."""
    today = today or utcnow().date()
    tenants = set(session.scalars(select(Webhook.tenant_id).where(Webhook.active.is_(True))))
    queued = 0
    for tenant_id in tenants:
        rows = session.scalars(select(Dispatch).where(Dispatch.tenant_id == tenant_id,
                                                      Dispatch.deadline_at.is_not(None),
                                                      Dispatch.legal_effective_at.is_not(None),
                                                      Dispatch.deadline_at < today))
        for dispatch in list(rows):
            queued += emit(session, tenant_id, "deadline.expired",
                           f"deadline.expired:{dispatch.id}:{dispatch.deadline_at}", dispatch_data(dispatch))
    return queued
