"""Idempotency keys for create requests (cases, dispatches): a client that retries after a timeout gets
the resource it created the first time instead of a duplicate.

The key row is inserted in the same transaction as the resource, so both exist or neither does; two racing
requests with one key are settled by the primary key, the loser reads the winner's row.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy.orm import Session

from ..errors import InputError
from .models import IdempotencyRecord


class IdempotencyConflict(InputError):
    """The key was already used for a different request."""


@dataclass(frozen=True)
class IdempotencyKey:
    key: str
    request_sha256: str

    @classmethod
    def of(cls, key: str | None, request: Any) -> Optional["IdempotencyKey"]:
        """`request` is the JSON form of the validated body; None when the client sent no key."""
        if key is None:
            return None
        canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
        return cls(key, hashlib.sha256(canonical.encode()).hexdigest())


def replayed(session: Session, tenant_id: uuid.UUID, idem: IdempotencyKey | None, resource: str) -> uuid.UUID | None:
    """Id of the resource an earlier request with this key created, or None if the key is new."""
    if idem is None:
        return None
    row = session.get(IdempotencyRecord, (tenant_id, idem.key))
    if row is None:
        return None
    if row.resource != resource or row.request_sha256 != idem.request_sha256:
        raise IdempotencyConflict("Idempotency-Key", "already used for a different request")
    return row.resource_id


def remember(session: Session, tenant_id: uuid.UUID, idem: IdempotencyKey | None, resource: str,
             resource_id: uuid.UUID) -> None:
    if idem is not None:
        session.add(IdempotencyRecord(tenant_id=tenant_id, key=idem.key, resource=resource, resource_id=resource_id,
                                      request_sha256=idem.request_sha256))
