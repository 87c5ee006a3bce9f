"""Request ids: every answer carries ``X-Request-ID``, and every log line written while serving it.

A client's ``X-Request-ID`` is kept when it is a plain token (1 to 128 letters, digits and ``-_.:``), so a
proxy's id follows the request through; otherwise a new one is made. One INFO line per request gives the
method, the path (never the query string or a header: no key or password reaches the log), the status and
the time taken.
"""
from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from correspondence.logs import request_id

HEADER = "X-Request-ID"
_TOKEN = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
log = logging.getLogger(__name__)


def accepted_id(given: str | None) -> str:
    """The client's id if it is a plain token, else a new random one."""
    return given if given is not None and _TOKEN.match(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Sets the request id for the request's logs and echoes it in the answer (pure ASGI, no buffering)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), None)
        rid = accepted_id(given)
        token = request_id.set(rid)  # left set if the app raises: the server's 500 handler logs with it
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = rid
            await send(message)

        await self.app(scope, receive, send_with_id)
        log.info("%s %s -> %d in %.0f ms", scope["method"], scope["path"], status,
                 (time.perf_counter() - started) * 1000)
        request_id.reset(token)
