"""Batches: a campaign from an uploaded export (CSV/XLSX) and its column mapping, run in the background.

`POST /v1/batches` validates every row at once (422 listing line, column and reason unless `skip_invalid`)
and answers 202 with the job; `GET /v1/batches/{id}` reports progress and per-row errors; `GET
/v1/batches/{id}/archive` is the ZIP of the letters and the manifest once the job is done. Each case and
letter is registered under the tenant, ready for `POST /v1/dispatches`.
"""
from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from correspondence.errors import Conflict, InputError, InputErrors
from correspondence.store import TooLarge

from ..deps import StoreDep, TenantDep
from ..problems import Problem, not_found
from .common import responses

router = APIRouter(tags=["batches"])
FIELDS = ("kind", "tone", "sign", "level", "skip_invalid", "format", "brand")
CHUNK = 1 << 16
BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["sheet", "mapping"], "properties": {
        "sheet": {"type": "string", "format": "binary", "description": "The export: .csv or .xlsx"},
        "mapping": {"type": "string", "format": "binary", "description": "Column mapping (YAML, see batch-template)"},
        "kind": {"type": "string"}, "tone": {"type": "string"}, "sign": {"type": "boolean"},
        "level": {"type": "string", "default": "B-B"}, "skip_invalid": {"type": "boolean"},
        "format": {"type": "string", "enum": ["pdf", "docx"], "default": "pdf"},
        "brand": {"type": "string", "description": "One of your brands (/v1/brands) for every letter, at its "
                                                   "latest version"}}}}}}}


def batch_jobs(app: Any, store: Any, *, cache: bool = True) -> Any:
    """The app's campaign jobs (built on first use from its settings; `cache=False` leaves none behind)."""
    jobs = getattr(app.state, "batches", None)
    if jobs is None:
        from correspondence.campaign.jobs import BatchJobs

        config = app.state.settings
        jobs = BatchJobs(store.settings.blob_dir.parent / "batches", store, workers=config.batch_workers,
                         queue=config.broker_url is not None)
        if cache:
            app.state.batches = jobs
    return jobs


def _jobs(request: Request, store: Any) -> Any:
    return batch_jobs(request.app, store)


async def _read(part: Any, field: str, limit: int) -> tuple[str, bytes]:
    if not isinstance(part, UploadFile):
        raise Problem(422, f"a file part named '{field}' is required", slug="validation", field=field)
    chunks, size = [], 0
    while chunk := await part.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise TooLarge(field, limit)
        chunks.append(chunk)
    if not size:
        raise Problem(422, "the file is empty", slug="validation", field=field)
    return part.filename or field, b"".join(chunks)


def _flag(value: Any) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


@router.post("/batches", status_code=202, openapi_extra=BODY, responses=responses(413, 415))
async def create_batch(request: Request, store: StoreDep, who: TenantDep) -> JSONResponse:
    """Start a campaign: one letter per debtor and credit of the export, registered under its case."""
    if (request.headers.get("content-type") or "").split(";")[0].strip().lower() != "multipart/form-data":
        raise Problem(415, "send the export and the mapping as multipart/form-data", slug="unsupported-media-type",
                      field="body")
    try:
        form = await request.form(max_files=2, max_fields=len(FIELDS), max_part_size=64 * 1024)
    except Exception as exc:
        if getattr(exc, "status_code", None) == 413:
            raise
        raise Problem(400, f"malformed multipart body: {getattr(exc, 'detail', exc)}", slug="malformed-body",
                      field="body") from None
    try:
        filename, sheet = await _read(form.get("sheet"), "sheet", store.settings.max_upload_bytes)
        _name, mapping = await _read(form.get("mapping"), "mapping", 256 * 1024)
        fields = {k: str(form.get(k)).strip() for k in FIELDS if isinstance(form.get(k), str) and form.get(k)}
    finally:
        await form.close()
    fmt = fields.get("format", "pdf")
    if fmt not in ("pdf", "docx"):
        raise InputError("format", f"'{fmt}' is not one of pdf, docx")
    try:
        status = await run_in_threadpool(
            _jobs(request, store).submit, who.tenant_id, who.tenant_name, filename, sheet, mapping,
            kind=fields.get("kind"), tone=fields.get("tone"), sign=_flag(fields.get("sign")),
            level=fields.get("level", "B-B"), formats=(fmt,), skip_invalid=_flag(fields.get("skip_invalid")),
            brand=fields.get("brand"))
    except InputErrors as exc:
        more = f" (and {len(exc.errors) - 1} more)" if len(exc.errors) > 1 else ""
        raise Problem(422, f"{exc.errors[0].field}: {exc.errors[0].reason}{more}; nothing was rendered",
                      slug="validation",
                      field=exc.errors[0].field,
                      errors=[{"field": e.field, "reason": e.reason} for e in exc.errors]) from None
    return JSONResponse(status, status_code=202, headers={"Location": f"/v1/batches/{status['id']}"})


@router.get("/batches/{batch_id}", responses=responses(404))
def get_batch(batch_id: uuid.UUID, request: Request, store: StoreDep, who: TenantDep) -> JSONResponse:
    """Progress (`done` of `total`), per-row errors, and per case its documents once finished."""
    status = _jobs(request, store).status(who.tenant_id, batch_id)
    if status is None:
        raise not_found("batch")
    return JSONResponse(status)


@router.get("/batches/{batch_id}/archive", responses=responses(404, 409))
def get_archive(batch_id: uuid.UUID, request: Request, store: StoreDep, who: TenantDep) -> FileResponse:
    """ZIP of the letters, manifest.csv, manifest.json (and errors.csv); 409 while the job runs."""
    jobs = _jobs(request, store)
    status = jobs.status(who.tenant_id, batch_id)
    if status is None:
        raise not_found("batch")
    path = jobs.archive(who.tenant_id, batch_id)
    if path is None:
        raise Conflict("batch", f"the batch is {status['status']}; the archive is ready when it is done")
    return FileResponse(path, media_type="application/zip", filename=f"batch-{batch_id}.zip")
