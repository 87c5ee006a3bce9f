"""Sending queued webhook deliveries: signed as Standard Webhooks, retried with exponential backoff.

Each delivery is a POST of the JSON payload with the headers ``webhook-id`` (the delivery id, stable across
retries, so receivers can de-duplicate), ``webhook-timestamp`` and ``webhook-signature`` (HMAC-SHA256 by
the `standardwebhooks` package, https://www.standardwebhooks.com). A 2xx answer delivers it; anything
else (status, timeout, refused connection) is logged as an attempt and retried after
``RETRY_BASE * 2**(attempts-1)`` seconds, up to `MAX_ATTEMPTS`, then the delivery is `failed`.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as Signer

from ..store import Store
from ..store.models import Webhook, WebhookDelivery
from ..store.secretbox import unseal
from ..store.types import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
RETRY_BASE = 10.0  # seconds: 10, 20, 40 ... about 21 minutes over 8 attempts
TIMEOUT = 10.0
BATCH = 100


@dataclass(frozen=True)
class RetryPolicy:
    base: float = RETRY_BASE
    max_attempts: int = MAX_ATTEMPTS

    def delay(self, attempts: int) -> dt.timedelta:
        return dt.timedelta(seconds=self.base * 2 ** max(attempts - 1, 0))


def signed_request(secret: str, delivery_id: str, payload: dict[str, Any], at: dt.datetime) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery, signed as Standard Webhooks."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    signature = Signer(secret).sign(delivery_id, at, body)
    return body.encode("utf-8"), {"content-type": "application/json", "webhook-id": delivery_id,
                                  "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": signature,
                                  "user-agent": "correspondence-webhooks/1"}


def _attempt(client: httpx.Client, hook: Webhook, delivery: WebhookDelivery, now: dt.datetime) -> dict[str, Any]:
    body, headers = signed_request(unseal(hook.secret_encrypted), str(delivery.id), delivery.payload, now)
    started = time.monotonic()
    entry: dict[str, Any] = {"at": now.isoformat()}
    try:
        response = client.post(hook.url, content=body, headers=headers)
        entry["status_code"] = response.status_code
        if not 200 <= response.status_code < 300:
            entry["error"] = f"HTTP {response.status_code}: {response.text[:200]}"
    except httpx.HTTPError as exc:
        entry["error"] = f"{type(exc).__name__}: {exc}"[:300]
    entry["duration_ms"] = round((time.monotonic() - started) * 1000)
    return entry


def deliver_due(store: Store, *, now: dt.datetime | None = None, policy: RetryPolicy | None = None,
                client: httpx.Client | None = None) -> dict[str, int]:
    """Send every pending delivery that is due; returns counts of delivered / retrying / failed."""
    policy = policy or RetryPolicy()
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False)
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    try:
        with store.session() as session:
            due = list(session.scalars(select(WebhookDelivery).where(
                WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= (now or utcnow()))
                .order_by(WebhookDelivery.next_attempt_at).limit(BATCH)))
            for delivery in due:
                hook = session.get(Webhook, delivery.webhook_id)
                if hook is None or not hook.active:
                    continue
                at = now or utcnow()
                entry = _attempt(client, hook, delivery, at)
                delivery.attempts += 1
                delivery.log = {"attempts": [*delivery.log.get("attempts", []), entry]}
                if "error" not in entry:
                    delivery.status, delivery.delivered_at = "delivered", at
                elif delivery.attempts >= policy.max_attempts:
                    delivery.status = "failed"
                else:
                    delivery.next_attempt_at = at + policy.delay(delivery.attempts)
                state = delivery.status if delivery.status != "pending" else "retrying"
                counts[state] += 1
                session.commit()
                if "error" in entry:
                    log.warning("webhook %s delivery %s attempt %d: %s", hook.id, delivery.id, delivery.attempts,
                                entry["error"])
    finally:
        if own:
            client.close()
    return counts
