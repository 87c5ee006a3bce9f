"""Documents: rows pointing at blobs. The blob is written first, then the row is committed."""
from __future__ import annotations

import uuid
from typing import Any, Mapping, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import InputError
from .blobs import StoredBlob
from .models import Document

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def get_document(session: Session, tenant_id: uuid.UUID, document_id: uuid.UUID) -> Optional[Document]:
    return session.scalar(select(Document).where(Document.id == document_id, Document.tenant_id == tenant_id))


def record_document(session: Session, tenant_id: uuid.UUID, blob: StoredBlob, *, origin: str, media_type: str,
                    filename: str, case_id: uuid.UUID | None = None, signed_from: Document | None = None,
                    made: Mapping[str, Any] | None = None) -> tuple[Document, bool]:
    """Insert a document row for a stored blob; the same bytes for the same tenant give back the existing
    row (`created` False), also when two requests race (the unique constraint decides, we re-select).

    `made` records what a rendered document was made from: ``kind``, ``case_version``, ``letter_date`` and
    ``made_from`` (request, wording version, figures)."""
    stmt = select(Document).where(Document.tenant_id == tenant_id, Document.sha256 == blob.sha256)
    existing = session.scalar(stmt)
    if existing is not None:
        return existing, False
    if signed_from is not None:
        if signed_from.tenant_id != tenant_id:
            raise ValueError("signed_from belongs to another tenant")
        if signed_from.sha256 == blob.sha256:
            raise InputError("file", "identical to the document it claims to be a signed version of")
        case_id = case_id or signed_from.case_id
        if case_id != signed_from.case_id:
            raise InputError("case_id", "differs from the case of the original document")
    doc = Document(tenant_id=tenant_id, case_id=case_id, origin=origin, media_type=media_type,
                   filename=filename[:255] or "document", sha256=blob.sha256, size=blob.size,
                   signed_from_id=signed_from.id if signed_from is not None else None, **dict(made or {}))
    session.add(doc)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return session.scalars(stmt).one(), False
    return doc, True
