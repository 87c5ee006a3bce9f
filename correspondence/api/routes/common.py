"""Helpers shared by routers: tenant-scoped lookups that answer 404, and byte-exact file responses."""
from __future__ import annotations

import base64
import uuid
from typing import Any

from fastapi import Request, Response
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from correspondence.store import Store
from correspondence.store.cases import get_case
from correspondence.store.dispatches import get_dispatch
from correspondence.store.documents import get_document
from correspondence.store.models import CaseRecord, Dispatch, Document

from ..deps import Principal
from ..problems import Problem, not_found



def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    from ..schemas import ProblemOut

    text = {404: "Not found (or another tenant's)", 409: "Conflict with the recorded history",
            413: "Too large", 415: "Unsupported media type", 429: "Too many requests (see Retry-After)",
            503: "Unavailable"}
    return {code: {"model": ProblemOut, "description": text.get(code, "Problem")} for code in codes}


def case_or_404(session: Session, who: Principal, case_id: uuid.UUID) -> CaseRecord:
    record = get_case(session, who.tenant_id, case_id)
    if record is None:
        raise not_found("case")
    return record


def document_or_404(session: Session, who: Principal, document_id: uuid.UUID) -> Document:
    record = get_document(session, who.tenant_id, document_id)
    if record is None:
        raise not_found("document")
    return record


def dispatch_or_404(session: Session, who: Principal, dispatch_id: uuid.UUID) -> Dispatch:
    record = get_dispatch(session, who.tenant_id, dispatch_id)
    if record is None:
        raise not_found("dispatch")
    return record


def file_response(request: Request, store: Store, sha256: str, media_type: str, filename: str) -> Response:
    """The stored bytes, unchanged, with their SHA-256 as strong ETag and as RFC 9530 digest."""
    digest_b64 = base64.b64encode(bytes.fromhex(sha256)).decode()
    etag = f'"{sha256}"'
    headers = {"ETag": etag, "Repr-Digest": f"sha-256=:{digest_b64}:", "Digest": f"SHA-256={digest_b64}",
               "Cache-Control": "private, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    path = store.blobs.path(sha256)
    if not path.is_file():  # never expected: blobs are written before their rows and never deleted
        raise Problem(503, "stored file is unavailable", slug="blob-missing")
    safe_name = "".join(c for c in filename if c.isalnum() or c in "._- ")[:120] or "file"
    return FileResponse(path, media_type=media_type, filename=safe_name, headers=headers)
