"""Tenants and their API keys.

A key looks like ``ck_<id>_<secret>``: `id` (public, 12 hex chars) finds the row, the 256-bit `secret` is
kept only as its SHA-256 and compared with `hmac.compare_digest`. A plain hash is enough because the secret
is random and long (no dictionary to attack); the raw key is shown once and never stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import InputError
from .models import ApiKey, Tenant
from .types import utcnow

_KEY = re.compile(r"^ck_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_TENANT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$")


@dataclass(frozen=True)
class IssuedKey:
    key: str
    key_id: str
    tenant: Tenant


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def get_or_create_tenant(session: Session, name: str) -> Tenant:
    name = name.strip()
    if not _TENANT_NAME.match(name):
        raise InputError("tenant", "use 1-100 letters, digits, spaces, dots, dashes or underscores")
    tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is None:
        tenant = Tenant(name=name)
        session.add(tenant)
        try:
            session.flush()
        except IntegrityError:  # created concurrently
            session.rollback()
            tenant = session.scalars(select(Tenant).where(Tenant.name == name)).one()
    return tenant


def create_api_key(session: Session, tenant_name: str, *, label: str | None = None) -> IssuedKey:
    """Create (if needed) the tenant and a new key for it; commits. The returned key is not stored anywhere."""
    tenant = get_or_create_tenant(session, tenant_name)
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    session.add(ApiKey(id=key_id, tenant_id=tenant.id, secret_sha256=_hash(secret), label=label))
    session.commit()
    return IssuedKey(key=f"ck_{key_id}_{secret}", key_id=key_id, tenant=tenant)


def authenticate(session: Session, presented: str) -> Tenant | None:
    """The tenant a presented key belongs to, or None (unknown, malformed, revoked or wrong secret)."""
    match = _KEY.match(presented or "")
    if not match:
        return None
    key_id, secret = match.groups()
    found = session.execute(select(ApiKey, Tenant).join(Tenant, Tenant.id == ApiKey.tenant_id)
                            .where(ApiKey.id == key_id)).first()
    expected = found[0].secret_sha256 if found is not None else "0" * 64
    ok = hmac.compare_digest(expected, _hash(secret))  # compared even for unknown ids: same timing
    if found is None or not ok or found[0].revoked_at is not None:
        return None
    return found[1]


@dataclass(frozen=True)
class KeyInfo:
    """What `apikey list` shows: never the secret, which is not stored."""

    key_id: str
    tenant: str
    label: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def list_api_keys(session: Session, tenant_name: str | None = None) -> list[KeyInfo]:
    """Every key (of one tenant, if named), oldest first, revoked ones included and marked."""
    query = select(ApiKey, Tenant.name).join(Tenant, Tenant.id == ApiKey.tenant_id)
    if tenant_name is not None:
        query = query.where(Tenant.name == tenant_name.strip())
    rows = session.execute(query.order_by(ApiKey.created_at, ApiKey.id)).all()
    return [KeyInfo(key.id, name, key.label, key.created_at, key.revoked_at) for key, name in rows]


def revoke_api_key(session: Session, key_id: str) -> KeyInfo:
    """Revoke a key by its id (the part after ``ck_``, or the whole key); commits. Revoking twice keeps the
    first revocation time. Requests with a revoked key answer 401 from then on."""
    match = _KEY.match(key_id.strip())
    key_id = match.group(1) if match else key_id.strip()
    if not re.fullmatch(r"[0-9a-f]{12}", key_id):
        raise InputError("key_id", "expected the 12-character key id shown by `apikey list`")
    found = session.execute(select(ApiKey, Tenant.name).join(Tenant, Tenant.id == ApiKey.tenant_id)
                            .where(ApiKey.id == key_id)).first()
    if found is None:
        raise InputError("key_id", f"no API key with id {key_id}")
    key, name = found
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.commit()
    return KeyInfo(key.id, name, key.label, key.created_at, key.revoked_at)
