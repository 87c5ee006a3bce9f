"""Signing in (with the tenant's API key, or a user account) and out of the staff pages."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ..deps import SessionDep
from .pages import page, see_other
from .session import check_csrf, clear_session, sign_in_with_key, sign_in_with_password, write_session

router = APIRouter()


@router.get("/ui", include_in_schema=False)
@router.get("/ui/", include_in_schema=False)
def home() -> Response:
    return see_other("/ui/cases")


@router.get("/ui/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request) -> HTMLResponse:
    return page(request, "login.html", None)


@router.post("/ui/login", include_in_schema=False)
async def login(request: Request, db: SessionDep) -> Response:
    """Check the CSRF token, then the key; a new session (new token) replaces the anonymous one."""
    await check_csrf(request)
    form = await request.form()
    key, username, password = (form.get(name) for name in ("api_key", "username", "password"))
    ui = None
    if isinstance(key, str) and key.strip():
        ui = await run_in_threadpool(sign_in_with_key, db, key)
    elif isinstance(username, str) and username.strip() and isinstance(password, str):
        ui = await run_in_threadpool(sign_in_with_password, db, username, password)
    if ui is None:
        return page(request, "login.html", None, status_code=401, error=True)
    response = see_other("/ui/cases")
    write_session(request, response, ui)
    return response


@router.post("/ui/logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    await check_csrf(request)
    response = see_other("/ui/login")
    clear_session(request, response)
    return response
