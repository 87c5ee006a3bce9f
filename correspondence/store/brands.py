"""Tenant brands as stored: append-only versions, each with its asset files in the blob store.

The blob is written before the rows that name it (a crash leaves an orphan blob, never a row without its
file); brand asset digests count as referenced for garbage collection.
"""
from __future__ import annotations

import uuid
from typing import Any, Mapping, Optional

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import InputError
from .blobs import BlobStore
from .models import BrandAsset, BrandVersion


def get_brand(session: Session, tenant_id: uuid.UUID, name: str, version: int | None = None) -> Optional[BrandVersion]:
    """The tenant's brand `name` at `version` (default: the latest), or None."""
    stmt = select(BrandVersion).where(BrandVersion.tenant_id == tenant_id, BrandVersion.name == name)
    stmt = stmt.where(BrandVersion.version == version) if version else stmt.order_by(BrandVersion.version.desc())
    return session.scalars(stmt.limit(1)).first()


def list_brands(session: Session, tenant_id: uuid.UUID) -> list[BrandVersion]:
    """The latest version of each of the tenant's brands, by name."""
    latest = (select(BrandVersion.name, func.max(BrandVersion.version).label("v"))
              .where(BrandVersion.tenant_id == tenant_id).group_by(BrandVersion.name).subquery())
    stmt = (select(BrandVersion).join(latest, (BrandVersion.name == latest.c.name) & (BrandVersion.version == latest.c.v))
            .where(BrandVersion.tenant_id == tenant_id).order_by(BrandVersion.name))
    return list(session.scalars(stmt))


def add_brand_version(session: Session, blobs: BlobStore, tenant_id: uuid.UUID, name: str, data: Mapping[str, Any],
                      files: Mapping[str, tuple[str, bytes]], digest: str, *, new: bool) -> BrandVersion:
    """Store a new version (1 when `new`, refusing an existing name; else latest + 1, refusing an unknown
    one) with its files (`filename -> (media type, bytes)`), and commit."""
    current = get_brand(session, tenant_id, name)
    if new and current is not None:
        raise InputError("name", f"brand '{name}' exists; add a version with POST /v1/brands/{name}/versions")
    if not new and current is None:
        raise InputError("name", f"no brand '{name}'; create it with POST /v1/brands")
    row = BrandVersion(tenant_id=tenant_id, name=name, version=(current.version + 1) if current else 1,
                       data=dict(data), sha256=digest)
    for filename, (media_type, content) in sorted(files.items()):
        blob = blobs.put_bytes(content)
        row.assets.append(BrandAsset(filename=filename, media_type=media_type, sha256=blob.sha256, size=blob.size))
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # two requests raced for the same version number
        session.rollback()
        raise InputError("name", f"brand '{name}' changed meanwhile; retry") from None
    return row


def brand_files(blobs: BlobStore, row: BrandVersion) -> dict[str, bytes]:
    """The asset files of a stored version, verified against their SHA-256."""
    return {a.filename: blobs.read_verified(a.sha256) for a in row.assets}
