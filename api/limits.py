"""Request body size limit, enforced while the body streams in (before any parser buffers it).

A declared Content-Length over the limit is refused at once; a chunked or lying body is cut off as soon
as the running count passes the limit. Either way the answer is a 413 problem.
"""
from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import problem_response


class BodyTooLarge(HTTPException):
    def __init__(self, file_limit: int) -> None:
        super().__init__(413, f"request body too large: files are limited to {file_limit} bytes")


class BodyLimitMiddleware:
    """`limit` bounds the whole body; `file_limit` (what users are told) is the per-file limit it allows for."""

    def __init__(self, app: ASGIApp, limit: int, file_limit: int) -> None:
        self.app = app
        self.limit = limit
        self.file_limit = file_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.limit:
                    await problem_response(413, BodyTooLarge(self.file_limit).detail, slug="too-large",
                                           field="body")(scope, receive, send)
                    return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self.file_limit)
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
