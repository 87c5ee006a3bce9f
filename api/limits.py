"""Request body size limit, enforced while the body streams in (before any parser buffers it).

A declared Content-Length over the limit is refused at once; a chunked or lying body is cut off as soon
as the running count passes the limit. Either way the answer is a 413 problem.
"""
from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import problem_response


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
