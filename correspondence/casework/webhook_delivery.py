"""Sending queued webhook deliveries: signed as Standard Webhooks, retried with exponential backoff.

Each delivery is a POST of the JSON payload with the headers ``webhook-id`` (the delivery id, stable across
retries, so receivers can de-duplicate), ``webhook-timestamp`` and ``webhook-signature`` (HMAC-SHA256 by
the `standardwebhooks` package, https://www.standardwebhooks.com). A 2xx answer delivers it; anything
else (status, timeout, refused connection) is logged as an attempt and retried after
``RETRY_BASE * 2**(attempts-1)`` seconds, up to `MAX_ATTEMPTS`, then the delivery is `failed`.

Two runners (the server's background thread and `correspondence background`, or two servers) may see the
same due delivery: each claims it first by moving ``next_attempt_at`` forward by `LEASE` in one conditional
UPDATE, and only the runner whose UPDATE changed the row sends it. A runner that dies mid-attempt leaves
the lease to expire, and the delivery is tried again (at least once, never twice at the same time). The
target address is checked and pinned by `webhook_targets` (no requests to private networks).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select, update
from standardwebhooks.webhooks import Webhook as Signer

from ..settings import Settings, resolve
from ..store import Store
from ..store.models import Webhook, WebhookDelivery
from ..store.secretbox import unseal
from ..store.types import utcnow
from .webhook_targets import TargetRefused, resolve_target

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
RETRY_BASE = 10.0  # seconds: 10, 20, 40 ... about 21 minutes over 8 attempts
TIMEOUT = 10.0
BATCH = 100
LEASE = dt.timedelta(seconds=3 * TIMEOUT)  # a claimed delivery is not sent by another runner meanwhile


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


def _attempt(client: httpx.Client, hook: Webhook, delivery: WebhookDelivery, now: dt.datetime, *,
             allow_private: bool) -> dict[str, Any]:
    body, headers = signed_request(unseal(hook.secret_encrypted), str(delivery.id), delivery.payload, now)
    started = time.monotonic()
    entry: dict[str, Any] = {"at": now.isoformat(), "status_code": None}
    try:
        target = resolve_target(hook.url, allow_private=allow_private)
    except TargetRefused as exc:
        entry["error"] = f"refused: {exc}"
        entry["duration_ms"] = round((time.monotonic() - started) * 1000)
        return entry
    headers["host"] = target.host_header
    extensions = {"sni_hostname": target.server_name} if target.server_name else None
    try:
        response = client.post(target.url, content=body, headers=headers, extensions=extensions)
        entry["status_code"] = response.status_code
        if not 200 <= response.status_code < 300:
            entry["error"] = f"HTTP {response.status_code}: {response.text[:200]}"
    except httpx.HTTPError as exc:
        entry["error"] = f"{type(exc).__name__}: {exc}"[:300]
    entry["duration_ms"] = round((time.monotonic() - started) * 1000)
    return entry


def _claim(session: Any, delivery: WebhookDelivery, at: dt.datetime) -> bool:
    """Take `delivery` for this runner: true only if no other runner claimed or sent it since it was read."""
    result = session.execute(update(WebhookDelivery).where(
        WebhookDelivery.id == delivery.id, WebhookDelivery.status == "pending",
        WebhookDelivery.attempts == delivery.attempts, WebhookDelivery.next_attempt_at <= at)
        .values(next_attempt_at=at + LEASE).execution_options(synchronize_session=False))
    session.commit()
    claimed = bool(result.rowcount)
    session.refresh(delivery)
    return claimed


def deliver_due(store: Store, *, now: dt.datetime | None = None, policy: RetryPolicy | None = None,
                client: httpx.Client | None = None, config: Settings | None = None) -> dict[str, int]:
    """Send every pending delivery that is due; returns counts of delivered / retrying / failed."""
    policy = policy or RetryPolicy()
    allow_private = resolve(config).webhook_allow_private
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
                if not _claim(session, delivery, at):
                    continue  # another runner has it
                entry = _attempt(client, hook, delivery, at, allow_private=allow_private)
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
