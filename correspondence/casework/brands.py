"""Use cases on a tenant's brands: create one, add a version, read them, and resolve the brand a case names.

Everything a tenant uploads is checked before anything is stored (fields, then every asset: type by
content, size, pixel dimensions, SVG sanitised, fonts parsed), and checked again when it is used.
Versions are append-only, and a document records the brand version that produced it.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import replace
from typing import Any, Mapping

from sqlalchemy.orm import Session

from ..brands import parse_brand
from ..errors import InputError, NotFound
from ..model import Case
from ..model.brand import REF_PATTERN, merge_brand
from ..render.brandkit import MAX_ASSETS, BrandKit, check_assets
from ..store import BlobStore
from ..store import brands as brand_store
from ..store.models import BrandVersion


def save_brand(session: Session, blobs: BlobStore, tenant_id: uuid.UUID, name: str, data: Mapping[str, Any],
               files: Mapping[str, tuple[str, bytes]], *, new: bool) -> BrandVersion:
    """Validate a brand and its files (`filename -> (media type, bytes)`) and store it as version 1 (`new`)
    or as the next version of an existing brand."""
    if not re.match(REF_PATTERN, name or ""):
        raise InputError("name", "lower-case letters, digits, '-' and '_' (at most 64), starting with a letter or digit")
    if len(files) > MAX_ASSETS:
        raise InputError("files", f"at most {MAX_ASSETS} files")
    brand = parse_brand(dict(data), source="brand")
    kit = check_assets(brand, {k: v for k, (_, v) in files.items()})  # each named file present and valid
    named = set(brand.asset_names().values())
    for filename in files:
        if filename not in named:
            raise InputError(f"files.{filename}", "not named by any field of the brand (logo, fonts, signatory, ...)")
    return brand_store.add_brand_version(session, blobs, tenant_id, name, brand.model_dump(mode="json", exclude_none=True),
                                         files, kit.digest, new=new)


def find_brand(session: Session, tenant_id: uuid.UUID, name: str, version: int | None = None) -> BrandVersion:
    row = brand_store.get_brand(session, tenant_id, name, version)
    if row is None:
        raise NotFound("brand")
    return row


def list_brands(session: Session, tenant_id: uuid.UUID) -> list[BrandVersion]:
    return brand_store.list_brands(session, tenant_id)


def stored_kit(session: Session, blobs: BlobStore, tenant_id: uuid.UUID, name: str,
               version: int | None = None) -> BrandKit:
    """A stored brand version with its files, checked again, ready for the renderer."""
    return stored_brand(session, blobs, tenant_id, name, version)[0]


def stored_brand(session: Session, blobs: BlobStore, tenant_id: uuid.UUID, name: str,
                 version: int | None = None) -> tuple[BrandKit, dict[str, bytes]]:
    """`stored_kit` and the version's asset files as stored (a campaign hands them to its workers)."""
    row = brand_store.get_brand(session, tenant_id, name, version)
    if row is None:
        raise InputError("brand.ref", f"no brand '{name}'" + (f" version {version}" if version else ""))
    brand = parse_brand(row.data, source="brand")
    files = brand_store.brand_files(blobs, row)
    kit = check_assets(brand, files)
    return replace(kit, ref=row.name, version=row.version), files


def case_kit(session: Session, blobs: BlobStore, tenant_id: uuid.UUID, case: Case) -> BrandKit | None:
    """The brand a stored case names (its fields over the tenant's brand), or None for an inline brand."""
    if not case.brand.ref:
        return None
    kit = stored_kit(session, blobs, tenant_id, case.brand.ref, case.brand.version)
    return replace(kit, brand=merge_brand(kit.brand, case.brand, ref=kit.ref or case.brand.ref, version=kit.version))


def recorded_brand(session: Session, tenant_id: uuid.UUID, case: Case, made_from: Mapping[str, Any] | None) -> Case:
    """The case with the brand a stored document recorded (`made_from["brand"]`: ref and version) laid back
    over it, the case's own fields winning as when it was rendered: signing that document later stamps it in
    its brand's colours. Versions are append-only, so this is the brand exactly as it was."""
    if not made_from or not made_from.get("ref"):
        return case
    row = brand_store.get_brand(session, tenant_id, str(made_from["ref"]), made_from.get("version"))
    if row is None:  # cannot happen for a document of this tenant; keep the case as recorded
        return case
    brand = merge_brand(parse_brand(row.data, source="brand"), case.brand, ref=row.name, version=row.version)
    return case.model_copy(update={"brand": brand})
