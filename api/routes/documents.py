"""Documents: render a case to PDF/DOCX, or upload an existing (possibly signed) document; fetch the bytes."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from correspondence.errors import InputError
from correspondence.store import cases as case_store
from correspondence.store.documents import MEDIA_TYPES, record_document
from correspondence.store.models import Document

from ..deps import JobsDep, SessionDep, StoreDep, TenantDep
from ..limits import rate_limit
from ..problems import Problem
from ..schemas import DocumentOut, RenderIn
from ..uploads import is_pdf, is_zip, multipart_body, read_upload
from .common import case_or_404, document_or_404, file_response, responses

router = APIRouter(tags=["documents"])

ACCEPT = {MEDIA_TYPES["pdf"]: is_pdf, MEDIA_TYPES["docx"]: is_zip}


@router.post("/cases/{case_id}/documents", status_code=201, response_model=DocumentOut,
             responses={200: {"model": DocumentOut, "description": "Identical document already stored"},
                        **responses(404, 429, 503)}, dependencies=[Depends(rate_limit("render"))])
def render_document(case_id: uuid.UUID, body: RenderIn, session: SessionDep, store: StoreDep, who: TenantDep,
                    response: Response, jobs: JobsDep) -> DocumentOut:
    """Render the case's letter (PDF/A or DOCX) and store it with its SHA-256."""
    record = case_or_404(session, who, case_id)
    try:
        from correspondence.pipeline import produce, server_signing  # heavy (WeasyPrint): imported on first use
    except ImportError:
        raise Problem(503, "document rendering is not available on this server", slug="render-unavailable") from None
    if body.sign and body.format != "pdf":
        raise InputError("sign", "only PDF documents are signed (PAdES)")
    case = case_store.case_model(record)
    reference = (record.reference or str(record.id)).replace("/", "-")
    # blob first, row second: a crash leaves an orphan blob, never a row without its file
    unsigned = jobs.run(produce, case, body.format)  # off this thread, under the per-job time/memory limits
    doc, created = record_document(session, who.tenant_id, store.blobs.put_bytes(unsigned), origin="rendered",
                                   media_type=MEDIA_TYPES[body.format], filename=f"{reference}.{body.format}",
                                   case_id=record.id)
    if body.sign:  # this route runs in a worker thread, so pyHanko's synchronous API is safe here
        signed = produce(case, "pdf", signing=server_signing(body.level))
        doc, created = record_document(session, who.tenant_id, store.blobs.put_bytes(signed), origin="signed",
                                       media_type=MEDIA_TYPES["pdf"], filename=f"{reference}.signed.pdf",
                                       case_id=record.id, signed_from=doc)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/documents/{doc.id}"
    return DocumentOut.model_validate(doc)


@router.post("/documents", status_code=201, response_model=DocumentOut,
             openapi_extra=multipart_body("PDF or DOCX", media_types=ACCEPT, extra={
                 "case_id": {"type": "string", "format": "uuid"},
                 "signed_from": {"type": "string", "format": "uuid",
                                 "description": "This file is the signed version of that document "
                                                "(e.g. rendered here, signed with `correspondence sign`)"}}),
             responses={200: {"model": DocumentOut, "description": "Identical document already stored"},
                        **responses(404, 413, 415)})
async def upload_document(request: Request, store: StoreDep, who: TenantDep, response: Response) -> DocumentOut:
    """Upload an existing document, or the signed version of a stored one (`signed_from`). The same bytes
    twice give the same document."""
    upload = await read_upload(request, limit=store.settings.max_upload_bytes, accept=ACCEPT,
                               text_fields=("case_id", "signed_from"))
    case_id, signed_from_id = (_uuid_field(upload.fields, name) for name in ("case_id", "signed_from"))

    def save() -> tuple[DocumentOut, bool]:
        with store.session() as session:
            if case_id is not None:
                case_or_404(session, who, case_id)
            original = document_or_404(session, who, signed_from_id) if signed_from_id is not None else None
            blob = store.blobs.put_bytes(upload.data)
            doc, created = record_document(session, who.tenant_id, blob, origin="signed" if original else "uploaded",
                                           media_type=upload.media_type, filename=upload.filename, case_id=case_id,
                                           signed_from=original)
            return DocumentOut.model_validate(doc), created

    out, created = await run_in_threadpool(save)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/documents/{out.id}"
    return out


def _uuid_field(fields: dict[str, str], name: str) -> uuid.UUID | None:
    if name not in fields:
        return None
    try:
        return uuid.UUID(fields[name])
    except ValueError:
        raise InputError(name, "not a valid UUID") from None


@router.get("/documents/{document_id}", response_model=DocumentOut, responses=responses(404))
def get_document(document_id: uuid.UUID, session: SessionDep, who: TenantDep) -> DocumentOut:
    return DocumentOut.model_validate(document_or_404(session, who, document_id))


@router.get("/documents/{document_id}/content", response_class=Response, responses={
    200: {"content": {"application/pdf": {}, MEDIA_TYPES["docx"]: {}}, "description": "The stored bytes"},
    304: {"description": "Not modified (If-None-Match)"}, **responses(404)})
def document_content(document_id: uuid.UUID, request: Request, session: SessionDep, store: StoreDep,
                     who: TenantDep) -> Response:
    """The document exactly as stored; ETag and Repr-Digest carry its SHA-256."""
    doc = document_or_404(session, who, document_id)
    return file_response(request, store, doc.sha256, doc.media_type, doc.filename)


@router.get("/cases/{case_id}/documents", response_model=list[DocumentOut], responses=responses(404))
def case_documents(case_id: uuid.UUID, session: SessionDep, who: TenantDep) -> list[DocumentOut]:
    record = case_or_404(session, who, case_id)
    rows = session.scalars(select(Document).where(Document.case_id == record.id, Document.tenant_id == who.tenant_id)
                           .order_by(Document.created_at))
    return [DocumentOut.model_validate(d) for d in rows]


