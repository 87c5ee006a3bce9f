"""Rendering the staff pages: Jinja2 templates (autoescaped) in the browser's language, with the session's
CSRF token, and headers that keep them out of caches and frames and allow only this site's own scripts."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from correspondence.casework.standing import today_in

from .i18n import Texts, negotiate
from .session import CSRF_FIELD, Staff, anonymous_session, read_session, write_session

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
TEMPLATES.env.autoescape = True
TEMPLATES.env.globals["today_of"] = lambda dispatch: today_in(dispatch.jurisdiction)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store", "Vary": "Accept-Language, Cookie",
}


def texts_for(request: Request) -> Texts:
    return Texts(negotiate(request.headers.get("accept-language")))


def page(request: Request, template: str, staff: Staff | None, *, status_code: int = 200,
         **context: Any) -> HTMLResponse:
    """A page for a signed-in member of staff (or the sign-in page, `staff` None)."""
    texts = texts_for(request)
    ui = None
    if staff is None:
        ui = read_session(request) or anonymous_session(request)
    csrf = staff.csrf if staff is not None else ui.csrf  # type: ignore[union-attr]
    values = {"staff": staff, "csrf": csrf, "csrf_field": CSRF_FIELD, **texts.helpers(), **context}
    response = TEMPLATES.TemplateResponse(request, template, values, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    response.headers["Content-Language"] = texts.language
    if ui is not None and read_session(request) is None:
        write_session(request, response, ui)  # the sign-in form's CSRF token lives in this cookie
    return response


def see_other(url: str) -> RedirectResponse:
    """After a successful POST: 303 to the page showing the result (post/redirect/get)."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})
