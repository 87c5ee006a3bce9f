"""Brands: a tenant's letter styles (logo, colours, fonts, letterhead and footer, signatory), versioned.

A brand is sent as multipart/form-data: a ``brand`` part with the `brand.yaml` fields (YAML or JSON) and
one ``files`` part per asset, whose filename is the name the fields use (``logo: logo.svg``). Everything is
checked before anything is stored; a change is a new version, and documents record the version they used.
"""
from __future__ import annotations

import json
from typing import Any, Optional

import yaml
from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from correspondence.casework import brands as brand_cases
from correspondence.errors import InputError
from correspondence.model.brand import REF_PATTERN
from correspondence.render.brandkit import MAX_ASSET_BYTES, MAX_ASSETS
from correspondence.store.models import BrandVersion

from correspondence.store import Store

from ..deps import Principal, SessionDep, StoreDep, TenantDep
from ..schemas import Out
from ..uploads import multipart_form
from .common import responses

router = APIRouter(tags=["brands"])
MAX_FIELDS_BYTES = 64 * 1024


class BrandAssetOut(Out):
    filename: str
    media_type: str
    size: int
    sha256: str


class BrandOut(Out):
    name: str
    version: int
    sha256: str
    brand: dict[str, Any]
    assets: list[BrandAssetOut]

    @classmethod
    def of(cls, row: BrandVersion) -> "BrandOut":
        return cls(name=row.name, version=row.version, sha256=row.sha256, brand=row.data,
                   assets=[BrandAssetOut.model_validate(a) for a in row.assets])


_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["brand"], "properties": {
        "name": {"type": "string", "pattern": REF_PATTERN, "description": "Brand name (creation only)"},
        "brand": {"type": "string", "description": "The brand.yaml fields, as YAML or JSON"},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                  "description": "Assets named by the fields: PNG/JPEG/SVG images, TTF/OTF/WOFF2 fonts"}}}}}}}


async def _read_brand(request: Request, limit: int) -> tuple[dict[str, str], dict[str, Any], dict[str, tuple[str, bytes]]]:
    form = await multipart_form(request, max_files=MAX_ASSETS + 1, max_fields=4, max_part_size=MAX_FIELDS_BYTES,
                                hint="send the brand as multipart/form-data (a 'brand' part and 'files' parts)")
    try:
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        part = form.get("brand")
        if isinstance(part, UploadFile):  # `-F brand=@brand.yaml` sends the fields as a file
            raw = await part.read(MAX_FIELDS_BYTES + 1)
            if len(raw) > MAX_FIELDS_BYTES:
                raise InputError("brand", f"larger than {MAX_FIELDS_BYTES // 1024} KiB")
            try:
                fields["brand"] = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError("brand", "not UTF-8 text") from None
        text = fields.get("brand")
        if not text:
            raise InputError("brand", "a 'brand' part with the brand's fields (YAML or JSON) is required")
        try:
            data = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as exc:
            raise InputError("brand", f"not valid YAML or JSON ({exc})".replace("\n", " ")) from None
        if not isinstance(data, dict):
            raise InputError("brand", "a mapping of fields (name, primary_color, logo, ...)")
        files: dict[str, tuple[str, bytes]] = {}
        for part in form.getlist("files"):
            if not isinstance(part, UploadFile):
                raise InputError("files", "each 'files' part must be a file (with a file name)")
            name = (part.filename or "").strip()
            if not name or "/" in name or "\\" in name or name.startswith("."):
                raise InputError("files", f"'{name}': a plain file name is required")
            content = await part.read(min(limit, MAX_ASSET_BYTES) + 1)
            if len(content) > min(limit, MAX_ASSET_BYTES):
                raise InputError(f"files.{name}", f"larger than {min(limit, MAX_ASSET_BYTES) >> 20} MiB")
            if name in files:
                raise InputError(f"files.{name}", "sent twice")
            files[name] = ((part.content_type or "application/octet-stream").split(";")[0], content)
        return fields, data, files
    finally:
        await form.close()


async def _save(request: Request, store: Store, who: Principal, name: str, *, new: bool) -> BrandVersion:
    fields, data, files = await _read_brand(request, store.settings.max_upload_bytes)
    name = name or fields.get("name", "")

    def save() -> BrandVersion:
        with store.session() as session:
            row = brand_cases.save_brand(session, store.blobs, who.tenant_id, name, data, files, new=new)
            session.refresh(row)
            BrandOut.of(row)  # load the assets while the session is open
            return row

    return await run_in_threadpool(save)


@router.post("/brands", status_code=201, response_model=BrandOut, openapi_extra=_BODY,
             responses=responses(413, 415, 422))
async def create_brand(request: Request, store: StoreDep, who: TenantDep, response: Response) -> BrandOut:
    """Create a brand (version 1) from its fields and files; a case then names it (`brand: {ref: NAME}`)."""
    row = await _save(request, store, who, "", new=True)
    response.headers["Location"] = f"/v1/brands/{row.name}"
    return BrandOut.of(row)


@router.post("/brands/{name}/versions", status_code=201, response_model=BrandOut, openapi_extra=_BODY,
             responses=responses(404, 413, 415, 422))
async def new_brand_version(name: str, request: Request, store: StoreDep, who: TenantDep,
                            response: Response) -> BrandOut:
    """A new version of a brand (the complete fields and files again); earlier documents keep theirs."""
    row = await _save(request, store, who, name, new=False)
    response.headers["Location"] = f"/v1/brands/{row.name}?version={row.version}"
    return BrandOut.of(row)


@router.get("/brands", response_model=list[BrandOut])
def list_brands(session: SessionDep, who: TenantDep) -> list[BrandOut]:
    """The latest version of each of the tenant's brands."""
    return [BrandOut.of(r) for r in brand_cases.list_brands(session, who.tenant_id)]


@router.get("/brands/{name}", response_model=BrandOut, responses=responses(404))
def get_brand(name: str, session: SessionDep, who: TenantDep,
              version: Optional[int] = Query(default=None, ge=1, le=1_000_000)) -> BrandOut:
    """A brand at `version` (default: the latest); another tenant's brand is not found."""
    return BrandOut.of(brand_cases.find_brand(session, who.tenant_id, name, version))
