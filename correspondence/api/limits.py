"""Limits on requests: body size (413) and per-tenant rates on the expensive routes (429).

The body limit is enforced while the body streams in (before any parser buffers it): a declared
Content-Length over the limit is refused at once; a chunked or lying body is cut off as soon as the running
count passes the limit. Rates are token buckets per tenant and route group, answered with ``Retry-After``.
"""
from __future__ import annotations

import math
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Callable, Mapping

from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from correspondence.errors import ConfigurationError
from correspondence.settings import DEFAULT_RATE_LIMITS, Settings, resolve

from .deps import TenantDep
from .problems import Problem, problem_response


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large: the limit is {limit} bytes")


class BodyLimitMiddleware:
    """`limit` bounds a multipart body (`file_limit`, what users are told, plus room for the part headers);
    any other body (JSON) gets the smaller `json_limit`."""

    def __init__(self, app: ASGIApp, limit: int, file_limit: int, json_limit: int = 2 * 1024 * 1024) -> None:
        self.app = app
        self.limit = limit
        self.file_limit = file_limit
        self.json_limit = min(json_limit, limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        multipart = headers.get(b"content-type", b"").lower().startswith(b"multipart/")
        limit, shown = (self.limit, self.file_limit) if multipart else (self.json_limit, self.json_limit)
        try:
            declared = int(headers.get(b"content-length", b"-1"))
        except ValueError:
            declared = -1
        if declared > limit:
            await problem_response(413, BodyTooLarge(shown).detail, slug="too-large",
                                   field="body")(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(shown)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await problem_response(413, exc.detail, slug="too-large", field="body")(scope, receive, send)


# --- per-tenant rate limits on the expensive routes ------------------------------------------------------

RATES_ENV = "CORRESPONDENCE_RATE_LIMITS"
DEFAULT_RATES = DEFAULT_RATE_LIMITS
"""Per tenant: 30 renders, 30 signatures and 120 receipt uploads a minute (buckets refill continuously)."""


@dataclass(frozen=True)
class Rate:
    """`count` requests per `per` seconds, as a token bucket that holds at most `count` tokens."""

    count: int
    per: float

    @classmethod
    def parse(cls, text: str) -> "Rate":
        count, _, per = text.partition("/")
        try:
            rate = cls(int(count), float(per or 60))
        except ValueError:
            raise ConfigurationError(f"{RATES_ENV}: {text!r} is not COUNT/SECONDS") from None
        if rate.count < 1 or rate.per <= 0:
            raise ConfigurationError(f"{RATES_ENV}: {text!r} must be positive")
        return rate


def parse_rates(text: str) -> dict[str, Rate]:
    """``render=30/60,receipts=120/60`` -> {bucket: Rate}."""
    rates = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, rate = item.partition("=")
        if not sep:
            raise ConfigurationError(f"{RATES_ENV}: {item!r} is not NAME=COUNT/SECONDS")
        rates[name.strip()] = Rate.parse(rate.strip())
    return rates


class RateLimiter:
    """In-process token buckets per (tenant, bucket); with several server processes each keeps its own."""

    def __init__(self, rates: Mapping[str, Rate], clock: Callable[[], float] = time.monotonic) -> None:
        self.rates = dict(rates)
        self.clock = clock
        self._buckets: dict[tuple[str, uuid.UUID], tuple[float, float]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls, env: Settings | Mapping[str, str] | None = None) -> "RateLimiter":
        """The limits of ``CORRESPONDENCE_RATE_LIMITS`` in `env` (by default the process's settings)."""
        return cls(parse_rates(resolve(env).rate_limits))

    def hit(self, bucket: str, tenant: uuid.UUID) -> None:
        """Take one token, or raise a 429 problem saying when the next one is available."""
        rate = self.rates.get(bucket)
        if rate is None:
            return
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get((bucket, tenant), (float(rate.count), now))
            tokens = min(float(rate.count), tokens + (now - last) * rate.count / rate.per)
            if tokens < 1:
                self._buckets[(bucket, tenant)] = (tokens, now)
                wait = math.ceil((1 - tokens) * rate.per / rate.count)
                raise Problem(429, f"too many {bucket} requests: at most {rate.count} every {rate.per:g} s per "
                                   f"tenant; retry in {wait} s", slug="rate-limited",
                              headers={"Retry-After": str(wait)})
            self._buckets[(bucket, tenant)] = (tokens - 1, now)
            if len(self._buckets) > 100_000:  # forget idle tenants rather than grow without bound
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 3600}


def rate_limit(bucket: str) -> Callable[..., None]:
    """A route dependency: ``dependencies=[Depends(rate_limit("render"))]``."""
    def check(request: Request, who: TenantDep) -> None:
        request.app.state.rate_limiter.hit(bucket, who.tenant_id)

    return check
