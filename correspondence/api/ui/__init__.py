"""Server-rendered pages for the staff who run the cases, under `/ui/` (Jinja2 templates, the site's own
small script, no asset from the network), and the offline `/docs` and `/redoc`."""
from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..problems import MEDIA_TYPE
from . import board, cases, docs, signin
from .pages import page
from .session import SignInRequired, make_sealer, server_secret

STATIC = Path(__file__).with_name("static")


async def _to_login(request: Request, _: Exception) -> RedirectResponse:
    return RedirectResponse("/ui/login", status_code=303, headers={"Cache-Control": "no-store"})


class ProblemPages:
    """ASGI middleware: under /ui/, a problem answer (from the app's one error table) is shown as a page in
    the browser's language, with the same status. Other paths pass through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/ui/"):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
                if headers.get("content-type") == MEDIA_TYPE:
                    start = message
                    return
            elif start is not None and message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if not message.get("more_body"):
                    await _render(scope, receive, send, start["status"], b"".join(body))
                return
            await send(message)

        await self.app(scope, receive, capture)


async def _render(scope: Scope, receive: Receive, send: Send, status: int, body: bytes) -> None:
    try:
        problem = json.loads(body)
    except ValueError:
        problem = {}
    response = page(Request(scope, receive), "problem.html", None, status_code=status,
                    problem=problem if isinstance(problem, dict) else {})
    await response(scope, receive, send)


def install(app: FastAPI) -> None:
    """Add the pages, their static files and the documentation pages to the app."""
    app.state.ui_sealer = make_sealer(server_secret())
    docs.install(app)
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")
    app.add_exception_handler(SignInRequired, _to_login)
    app.add_middleware(ProblemPages)
    for module in (signin, cases, board):
        app.include_router(module.router)
