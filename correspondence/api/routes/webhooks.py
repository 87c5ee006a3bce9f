"""Webhooks: subscribe a URL to events, see every delivery attempt. Payloads are signed as Standard
Webhooks with the secret returned once at creation."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal, Optional

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from correspondence.casework.webhooks import EVENTS, create_webhook, deliveries, get_webhook, list_webhooks
from correspondence.store.models import Webhook

from ..deps import SessionDep, TenantDep
from .common import responses

router = APIRouter(tags=["webhooks"])
EventName = Literal["receipt.attached", "dispatch.delivered", "dispatch.failed", "deadline.expired"]
assert set(EventName.__args__) == set(EVENTS)  # type: ignore[attr-defined]


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2000, examples=["https://erp.example.it/hooks/correspondence"])
    events: list[EventName] = Field(min_length=1, max_length=len(EVENTS))


class WebhookOut(BaseModel):
    id: uuid.UUID
    url: str
    events: list[str]
    active: bool
    created_at: dt.datetime
    secret: Optional[str] = Field(default=None, description="Signing secret (whsec_...): returned only by the "
                                                            "POST that creates the webhook")


class AttemptOut(BaseModel):
    at: dt.datetime
    status_code: Optional[int] = None
    error: Optional[str] = None
    duration_ms: Optional[int] = None


class DeliveryOut(BaseModel):
    id: uuid.UUID = Field(description="Also the webhook-id header: the same on every retry")
    event_id: str
    event_type: str
    status: Literal["pending", "delivered", "failed"]
    attempts: list[AttemptOut]
    next_attempt_at: Optional[dt.datetime]
    delivered_at: Optional[dt.datetime]
    payload: dict[str, Any]


def _out(row: Webhook, secret: str | None = None) -> WebhookOut:
    return WebhookOut(id=row.id, url=row.url, events=list(row.events.get("types", [])), active=row.active,
                      created_at=row.created_at, secret=secret)


@router.post("/webhooks", response_model=WebhookOut, status_code=201, responses=responses(422, 503))
def post_webhook(body: WebhookIn, session: SessionDep, who: TenantDep, request: Request) -> WebhookOut:
    """Subscribe `url` to events. Each event is POSTed as JSON with the Standard Webhooks headers
    (webhook-id, webhook-timestamp, webhook-signature); a non-2xx answer is retried with backoff.
    Private, loopback and link-local hosts are refused unless the server allows them."""
    row, secret = create_webhook(session, who.tenant_id, body.url, body.events, config=request.app.state.settings)
    return _out(row, secret)


@router.get("/webhooks", response_model=list[WebhookOut])
def get_webhooks(session: SessionDep, who: TenantDep) -> list[WebhookOut]:
    return [_out(r) for r in list_webhooks(session, who.tenant_id)]


@router.get("/webhooks/{webhook_id}", response_model=WebhookOut, responses=responses(404))
def get_one_webhook(webhook_id: uuid.UUID, session: SessionDep, who: TenantDep) -> WebhookOut:
    return _out(get_webhook(session, who.tenant_id, webhook_id))


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryOut], responses=responses(404))
def get_deliveries(webhook_id: uuid.UUID, session: SessionDep, who: TenantDep) -> list[DeliveryOut]:
    """Every event queued for this webhook, oldest first, with each attempt (status code or error)."""
    return [DeliveryOut(id=d.id, event_id=d.event_id, event_type=d.event_type, status=d.status,
                        attempts=[AttemptOut(**a) for a in d.log.get("attempts", [])],
                        next_attempt_at=d.next_attempt_at if d.status == "pending" else None,
                        delivered_at=d.delivered_at, payload=d.payload)
            for d in deliveries(session, who.tenant_id, webhook_id)]
