"""Staff accounts for the pages: a username bound to one tenant and a password kept only as its scrypt
hash (RFC 7914; N=2^15, r=8, p=1, a random 16-byte salt), compared in constant time."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import InputError
from .apikeys import get_or_create_tenant
from .models import Tenant, User
from .types import utcnow

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,99}$")
MIN_PASSWORD = 12
N, R, P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024


def _scrypt(password: str, salt: bytes, n: int = N, r: int = R, p: int = P) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(_scrypt(password, salt)).decode()}"


def check_password(stored: str, password: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        computed = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest))


_DUMMY = hash_password(secrets.token_urlsafe(16))  # checked for unknown users: same timing


@dataclass(frozen=True)
class StaffUser:
    id: uuid.UUID
    username: str
    tenant_id: uuid.UUID
    tenant_name: str


def create_user(session: Session, tenant_name: str, username: str, password: str) -> StaffUser:
    """Create a user of the tenant (created if new); commits. Usernames are unique across tenants."""
    username = username.strip()
    if not _USERNAME.match(username):
        raise InputError("username", "use 2-100 letters, digits, dots, dashes, underscores or @")
    if len(password) < MIN_PASSWORD:
        raise InputError("password", f"at least {MIN_PASSWORD} characters")
    tenant = get_or_create_tenant(session, tenant_name)
    user = User(tenant_id=tenant.id, username=username, password_hash=hash_password(password))
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise InputError("username", f"'{username}' is already taken") from None
    return StaffUser(user.id, user.username, tenant.id, tenant.name)


def authenticate_user(session: Session, username: str, password: str) -> StaffUser | None:
    """The user, if the password matches and the account is not disabled; None otherwise."""
    row = session.execute(select(User, Tenant).join(Tenant, Tenant.id == User.tenant_id)
                          .where(User.username == username.strip())).first()
    ok = check_password(row[0].password_hash if row else _DUMMY, password)
    if row is None or not ok or row[0].disabled_at is not None:
        return None
    return StaffUser(row[0].id, row[0].username, row[1].id, row[1].name)


def active_user(session: Session, user_id: uuid.UUID, tenant_id: uuid.UUID) -> StaffUser | None:
    row = session.execute(select(User, Tenant).join(Tenant, Tenant.id == User.tenant_id)
                          .where(User.id == user_id, User.tenant_id == tenant_id)).first()
    if row is None or row[0].disabled_at is not None:
        return None
    return StaffUser(row[0].id, row[0].username, row[1].id, row[1].name)


def disable_user(session: Session, username: str) -> None:
    """Disable the account (its sessions end at the next request); commits."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise InputError("username", f"no user '{username}'")
    if user.disabled_at is None:
        user.disabled_at = utcnow()
        session.commit()
