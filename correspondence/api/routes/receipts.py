"""Receipts: files and the events they prove. Append-only: no PUT, PATCH or DELETE exists (405)."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Callable

from fastapi import APIRouter, Depends, Request, Response
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from correspondence.casework.receipts import attach_file, attach_pec_receipt
from correspondence.dispatch import DispatchEvent, EventType
from correspondence.dispatch.nesting import check_nesting
from correspondence.errors import InputError
from correspondence.model.base import Instant
from correspondence.store import receipts as store
from correspondence.store.models import Receipt

from ..deps import Principal, SessionDep, StoreDep, TenantDep
from ..limits import rate_limit
from ..problems import Problem, not_found
from ..schemas import ReceiptOut
from ..uploads import Upload, is_jpeg, is_pdf, is_png, is_tiff, multipart_body, read_upload
from ..views import receipt_out
from .common import file_response, responses

router = APIRouter(tags=["receipts"])


def _always(_: bytes) -> bool:
    return True  # the PEC parser decides (and answers 422 for what is not a MIME message)


def _is_xml(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


Sniffer = Callable[[bytes], bool]  # does the content look like what its media type says
PEC_TYPES: dict[str, Sniffer] = {"message/rfc822": _always, "application/octet-stream": _always, "text/plain": _always}
SCAN_TYPES: dict[str, Sniffer] = {"application/pdf": is_pdf, "image/jpeg": is_jpeg, "image/png": is_png, "image/tiff": is_tiff}
ACCEPT: dict[str, dict[str, Sniffer]] = {
    "pec": PEC_TYPES,
    "return_card": SCAN_TYPES,
    "provider_certificate": {"application/pdf": is_pdf, "application/xml": _is_xml, "text/xml": _is_xml},
    "other": {**SCAN_TYPES, "application/xml": _is_xml},
}
FORM_FIELDS: dict[str, dict[str, Any]] = {
    "kind": {"type": "string", "enum": list(store.FILE_KINDS), "default": "pec"},
    "event_type": {"type": "string", "enum": [e.value for e in EventType],
                   "description": "For scans/certificates: the event the file proves (e.g. delivered)"},
    "occurred_at": {"type": "string", "format": "date-time", "description": "When that event happened"},
}
CREATED: dict[int | str, dict[str, Any]] = {200: {"model": ReceiptOut, "description": "The same file was already attached (idempotent)"}}


_INSTANT: TypeAdapter[dt.datetime] = TypeAdapter(Instant)


def _scan_event(fields: dict[str, str]) -> DispatchEvent | None:
    if "event_type" not in fields and "occurred_at" not in fields:
        return None
    try:
        etype = EventType(fields.get("event_type", ""))
    except ValueError:
        raise InputError("event_type", "is required with occurred_at and must be a known event type") from None
    try:
        at = _INSTANT.validate_python(fields.get("occurred_at", ""))
    except ValidationError as exc:
        reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise InputError("occurred_at", f"must be an ISO 8601 date-time with its UTC offset ({reason})") from None
    return DispatchEvent(etype, at, "staff", True, {})


async def _read(request: Request, limit: int) -> tuple[Upload, str]:
    upload = await read_upload(request, limit=limit, accept={**PEC_TYPES, **SCAN_TYPES,
                                                             "application/xml": _is_xml, "text/xml": _is_xml},
                               text_fields=("kind", "event_type", "occurred_at"))
    kind = upload.fields.get("kind") or "pec"
    if kind not in store.FILE_KINDS:
        raise InputError("kind", f"must be one of {', '.join(store.FILE_KINDS)}")
    if upload.media_type not in ACCEPT[kind]:
        raise Problem(415, f"'{upload.media_type}' is not accepted for a {kind} receipt; use one of: "
                           f"{', '.join(sorted(ACCEPT[kind]))}", slug="unsupported-media-type", field="file")
    if kind == "pec":
        check_nesting(upload.data)  # before the recursive e-mail parser sees it
    return upload, kind


def _save(store_: StoreDep, who: Principal, dispatch_id: uuid.UUID | None, upload: Upload,
          kind: str) -> tuple[ReceiptOut, bool]:
    with store_.session() as session:
        if kind == "pec":
            receipt, created = attach_pec_receipt(session, store_.blobs, who.tenant_id, dispatch_id, upload.data,
                                                  filename=upload.filename,
                                                  max_bytes=store_.settings.max_upload_bytes)
        else:
            assert dispatch_id is not None
            receipt, created = attach_file(session, store_.blobs, who.tenant_id, dispatch_id, upload.data,
                                           kind=kind, media_type=upload.media_type, filename=upload.filename,
                                           event=_scan_event(upload.fields))
        return receipt_out(session, receipt), created


@router.post("/dispatches/{dispatch_id}/receipts", status_code=201, response_model=ReceiptOut,
             openapi_extra=multipart_body("PEC receipt (.eml as received), scan of a return card, certificate",
                                          FORM_FIELDS, media_types=[t for types in ACCEPT.values() for t in types]),
             responses={**CREATED, **responses(404, 409, 413, 415, 429)},
             dependencies=[Depends(rate_limit("receipts"))])
async def upload_receipt(dispatch_id: uuid.UUID, request: Request, store_: StoreDep, who: TenantDep,
                         response: Response) -> ReceiptOut:
    """Attach a file to a dispatch. A PEC receipt is parsed and verified: its event moves the dispatch only
    if the gestore signature is valid (otherwise the receipt is stored, flagged, and its event untrusted)."""
    upload, kind = await _read(request, store_.settings.max_upload_bytes)
    out, created = await run_in_threadpool(_save, store_, who, dispatch_id, upload, kind)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/receipts/{out.id}"
    return out


@router.post("/receipts", status_code=201, response_model=ReceiptOut,
             openapi_extra=multipart_body("PEC receipt (.eml exactly as received)", media_types=PEC_TYPES),
             responses={**CREATED, **responses(409, 413, 415, 429)}, dependencies=[Depends(rate_limit("receipts"))])
async def upload_pec_receipt(request: Request, store_: StoreDep, who: TenantDep, response: Response) -> ReceiptOut:
    """Upload a PEC receipt without saying which dispatch: it is found by X-Riferimento-Message-ID (or the
    daticert msgid) among the tenant's dispatches."""
    upload, kind = await _read(request, store_.settings.max_upload_bytes)
    if kind != "pec":
        raise InputError("kind", "only PEC receipts can find their dispatch; post other files to "
                                 "/v1/dispatches/{id}/receipts")
    out, created = await run_in_threadpool(_save, store_, who, None, upload, kind)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/receipts/{out.id}"
    return out


def _receipt_or_404(session: SessionDep, who: Principal, receipt_id: uuid.UUID) -> Receipt:
    receipt = store.get_receipt(session, who.tenant_id, receipt_id)
    if receipt is None:
        raise not_found("receipt")
    return receipt


@router.get("/receipts/{receipt_id}", response_model=ReceiptOut, responses=responses(404))
def get_receipt(receipt_id: uuid.UUID, session: SessionDep, who: TenantDep) -> ReceiptOut:
    return receipt_out(session, _receipt_or_404(session, who, receipt_id))


@router.get("/receipts/{receipt_id}/content", response_class=Response, responses={
    200: {"content": {"message/rfc822": {}, "application/pdf": {}, "image/jpeg": {}}, "description": "Original bytes"},
    304: {"description": "Not modified (If-None-Match)"}, **responses(404)})
def receipt_content(receipt_id: uuid.UUID, request: Request, session: SessionDep, store_: StoreDep,
                    who: TenantDep) -> Response:
    """The receipt byte for byte as uploaded; ETag and Repr-Digest carry its SHA-256."""
    receipt = _receipt_or_404(session, who, receipt_id)
    return file_response(request, store_, receipt.sha256, receipt.media_type, receipt.filename)
