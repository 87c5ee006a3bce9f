"""Documents: render a case to PDF/DOCX, or upload an existing (possibly signed) document; fetch the bytes."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from correspondence.casework.documents import case_documents as documents_of_case
from correspondence.casework.standing import DocumentRequest
from correspondence.errors import InputError
from correspondence.store.documents import MEDIA_TYPES, record_document

from ..deps import JobsDep, SessionDep, StoreDep, TenantDep
from ..limits import rate_limit
from ..problems import Problem
from ..schemas import DocumentOut, RenderIn, SignIn
from ..uploads import is_p7m, is_pdf, is_xml, is_zip, multipart_body, read_upload
from .common import case_or_404, document_or_404, file_response, responses

router = APIRouter(tags=["documents"])

#: what a PEC may carry (issue 11): PDF, DOCX, a CAdES-signed .p7m, XML
ACCEPT = {MEDIA_TYPES["pdf"]: is_pdf, MEDIA_TYPES["docx"]: is_zip, "application/pkcs7-mime": is_p7m,
          "application/xml": is_xml, "text/xml": is_xml}


@router.post("/cases/{case_id}/documents", status_code=201, response_model=DocumentOut,
             responses={200: {"model": DocumentOut, "description": "Identical document already stored"},
                        **responses(404, 429, 503)}, dependencies=[Depends(rate_limit("render"))])
def render_document(case_id: uuid.UUID, body: RenderIn, session: SessionDep, store: StoreDep, who: TenantDep,
                    response: Response, jobs: JobsDep) -> DocumentOut:
    """Render the next document from the case as it stands at the letter date (payments, actions and
    dispatches recorded so far) and store it with its SHA-256 and what it was made from. With `sign`, the
    rendering is signed once and both are stored (the signed one is returned)."""
    try:
        from correspondence.casework.documents import render_document as render  # heavy: WeasyPrint on first use
        from correspondence.pipeline import render as render_case, server_signing
    except ImportError:
        raise Problem(503, "document rendering is not available on this server", slug="render-unavailable") from None
    request = DocumentRequest(kind=body.kind, tone=body.tone, date=body.date, deadline_days=body.deadline_days,
                              delivery=body.delivery)
    signing = server_signing(body.level) if body.sign else None
    produced = render(session, store.blobs, who.tenant_id, case_id, request, body.format, signing=signing,
                      renderer=lambda case, fmt, **kw: jobs.run(render_case, case, fmt, **kw),  # bounded pool, per-job limits
                      strict=body.strict)
    response.status_code = 201 if produced.created else 200
    response.headers["Location"] = f"/v1/documents/{produced.document.id}"
    return DocumentOut.model_validate(produced.document)


@router.post("/documents/{document_id}/sign", status_code=201, response_model=DocumentOut,
             responses={200: {"model": DocumentOut, "description": "Identical signed document already stored"},
                        **responses(404, 429, 503)}, dependencies=[Depends(rate_limit("sign"))])
def sign_document(document_id: uuid.UUID, body: SignIn, session: SessionDep, store: StoreDep, who: TenantDep,
                  response: Response) -> DocumentOut:
    """Sign a stored rendered PDF with the service's key: the signed file is the stored bytes plus a PAdES
    incremental update (so it begins with them), stored as a new document pointing at it (`signed_from`)."""
    from correspondence.casework.documents import sign_document as sign
    from correspondence.pipeline import server_signing

    doc, created = sign(session, store.blobs, who.tenant_id, document_id, server_signing(body.level))
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
            if original is not None:  # the signature must hold and cover the original's bytes
                from correspondence.sign.signed_version import check_signed_version

                check_signed_version(store.blobs.read_verified(original.sha256), upload.data)
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
    return [DocumentOut.model_validate(d) for d in documents_of_case(session, who.tenant_id, case_id)]




@router.get("/documents/{document_id}/preview", response_class=Response, responses={
    200: {"content": {"image/png": {}}, "description": "The page as a PNG image"}, **responses(404, 422)})
def document_preview(document_id: uuid.UUID, session: SessionDep, store: StoreDep, who: TenantDep,
                     page: int = Query(1, ge=1, le=10_000), dpi: int = Query(100, ge=20, le=200)) -> Response:
    """Page `page` of a stored PDF document as a PNG (for a person to look at before sending)."""
    from correspondence.render.preview import pdf_page_png

    doc = document_or_404(session, who, document_id)
    if doc.media_type != MEDIA_TYPES["pdf"]:
        raise InputError("document", "previews are made of PDF documents; render the case as PDF")
    png = pdf_page_png(store.blobs.read_verified(doc.sha256), page, dpi=dpi)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600",
                                                          "X-Content-Type-Options": "nosniff"})
