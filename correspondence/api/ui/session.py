"""Staff sign-in for the pages: a sealed session cookie and a CSRF token on every form.

The cookie holds the tenant, the API key id (or user account) it was opened with, a CSRF token and its expiry, encrypted and
authenticated with Fernet under a key derived (HKDF-SHA256) from ``CORRESPONDENCE_SECRET_KEY``; without it a
random key per process is used, so sessions end when the server restarts (set the variable when running
several workers). Every request re-checks the key or account: revoking or disabling it ends its
sessions at once. The cookie is
HttpOnly, SameSite=Strict, and Secure when the page is served over TLS (OWASP session management).
"""
from __future__ import annotations

import base64
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Depends, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from correspondence.store.apikeys import authenticate
from correspondence.store.models import ApiKey, Tenant
from correspondence.settings import settings
from correspondence.store.secretbox import MIN_SECRET_CHARS
from correspondence.store.users import active_user, authenticate_user

from ..deps import Principal, get_session
from ..problems import Problem

COOKIE = "correspondence_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
LIFETIME = 8 * 3600  # seconds: one working day
_INFO = b"correspondence/ui-session/v1"


def server_secret() -> str | None:
    """The configured server secret (``CORRESPONDENCE_SECRET_KEY``), if long enough."""
    value = settings().secret("secret_key") or ""
    return value if len(value) >= MIN_SECRET_CHARS else None


def make_sealer(secret: str | None = None) -> Fernet:
    """The cookie cipher: derived from the server secret, else random for this process."""
    raw = secret.encode() if secret else secrets.token_bytes(32)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(raw)
    return Fernet(base64.urlsafe_b64encode(key))


@dataclass(frozen=True)
class UiSession:
    """What the cookie says: a CSRF token always; a tenant and key id once signed in."""

    csrf: str
    tenant_id: uuid.UUID | None = None
    key_id: str | None = None
    user: str | None = None

    def dump(self) -> dict[str, Any]:
        return {"csrf": self.csrf, "tenant": str(self.tenant_id) if self.tenant_id else None,
                "key": self.key_id, "user": self.user, "exp": int(time.time()) + LIFETIME}


def _sealer(request: Request) -> Fernet:
    sealer: Fernet = request.app.state.ui_sealer
    return sealer


def read_session(request: Request) -> UiSession | None:
    """The session the cookie carries, or None (absent, tampered with, expired)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        data = json.loads(_sealer(request).decrypt(token.encode("ascii"), ttl=LIFETIME))
    except (InvalidToken, ValueError, UnicodeEncodeError):
        return None
    if not isinstance(data, dict) or int(data.get("exp", 0)) < time.time() or not data.get("csrf"):
        return None
    tenant = data.get("tenant")
    return UiSession(csrf=str(data["csrf"]), tenant_id=uuid.UUID(tenant) if tenant else None,
                     key_id=data.get("key"), user=data.get("user"))


def write_session(request: Request, response: Response, session: UiSession) -> None:
    token = _sealer(request).encrypt(json.dumps(session.dump()).encode()).decode("ascii")
    response.set_cookie(COOKIE, token, max_age=LIFETIME, path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def clear_session(request: Request, response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")


def anonymous_session(request: Request) -> UiSession:
    """The visitor's session, or a new one (only a CSRF token) to be written with the response."""
    return read_session(request) or UiSession(csrf=secrets.token_urlsafe(32))


def sign_in_with_key(db: Session, presented: str) -> UiSession | None:
    """A fresh session (new CSRF token) for a valid, unrevoked API key; None otherwise."""
    tenant = authenticate(db, presented.strip())
    db.rollback()
    if tenant is None:
        return None
    key_id = presented.strip().split("_")[1]
    return UiSession(csrf=secrets.token_urlsafe(32), tenant_id=tenant.id, key_id=key_id)


def sign_in_with_password(db: Session, username: str, password: str) -> UiSession | None:
    """A fresh session for a user account (`correspondence user create`); None if the password is wrong."""
    user = authenticate_user(db, username, password)
    db.rollback()
    if user is None:
        return None
    return UiSession(csrf=secrets.token_urlsafe(32), tenant_id=user.tenant_id, user=str(user.id))


@dataclass(frozen=True)
class Staff:
    """A signed-in member of staff: the tenant (as the API's principal) and the session's CSRF token."""

    principal: Principal
    csrf: str


class SignInRequired(Exception):
    """Raised by page dependencies when nobody is signed in: answered with a redirect to the sign-in page."""


def _still_valid(db: Session, ui: UiSession) -> Tenant | None:
    """The session's tenant while its key is unrevoked (or its user account enabled)."""
    if ui.tenant_id is None:
        return None
    if ui.user is not None:
        user = active_user(db, uuid.UUID(ui.user), ui.tenant_id)
        db.rollback()
        return db.get(Tenant, user.tenant_id) if user is not None else None
    if ui.key_id is None:
        return None
    row = db.execute(select(ApiKey, Tenant).join(Tenant, Tenant.id == ApiKey.tenant_id)
                     .where(ApiKey.id == ui.key_id, Tenant.id == ui.tenant_id)).first()
    db.rollback()
    if row is None or row[0].revoked_at is not None:
        return None
    return row[1]


def current_staff(request: Request, db: Annotated[Session, Depends(get_session)]) -> Staff:
    """The signed-in tenant, re-checked against its key on every request."""
    ui = read_session(request)
    tenant = _still_valid(db, ui) if ui is not None else None
    if ui is None or tenant is None:
        raise SignInRequired()
    return Staff(Principal(tenant.id, tenant.name), ui.csrf)


async def check_csrf(request: Request, submitted: str | None = None) -> None:
    """403 unless the request carries the session's CSRF token (form field or header). Synchroniser
    token pattern (OWASP CSRF cheat sheet), on top of the SameSite=Strict cookie."""
    ui = read_session(request)
    token: object = submitted if submitted is not None else request.headers.get(CSRF_HEADER)
    if token is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        token = (await request.form()).get(CSRF_FIELD)
    if ui is None or not isinstance(token, str) or not hmac.compare_digest(token.encode(), ui.csrf.encode()):
        raise Problem(403, "the form's CSRF token is missing or does not match this session: reload the page",
                      slug="csrf", field=CSRF_FIELD)


StaffDep = Annotated[Staff, Depends(current_staff)]
