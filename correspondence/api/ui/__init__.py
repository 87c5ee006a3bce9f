"""Server-rendered pages for the staff who run the cases, under `/ui/` (Jinja2 templates, the site's own
small script, no asset from the network), and the offline `/docs` and `/redoc`."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from . import board, cases, docs, signin
from .session import SignInRequired, make_sealer, server_secret

STATIC = Path(__file__).with_name("static")


async def _to_login(request: Request, _: Exception) -> RedirectResponse:
    return RedirectResponse("/ui/login", status_code=303, headers={"Cache-Control": "no-store"})


def install(app: FastAPI) -> None:
    """Add the pages, their static files and the documentation pages to the app."""
    app.state.ui_sealer = make_sealer(server_secret())
    docs.install(app)
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")
    app.add_exception_handler(SignInRequired, _to_login)
    for module in (signin, cases, board):
        app.include_router(module.router)
