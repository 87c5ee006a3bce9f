"""The uncollectability report of a stored case: the case as it stands, assessed, rendered with its evidence.

Annexes are the stored evidence, read from the blob store and checked against their SHA-256 before use:
every document the service dispatched for the case (the bytes that were sent) and every receipt attached
to those dispatches (PEC receipts, return-card scans, burofax certificates), with the provider signature
status the receipt layer recorded. The report is rendered, not stored: a GET gives the dossier as it
stands today.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InputError
from ..model import DocumentKind, Plan
from ..store.blobs import BlobStore
from ..store.documents import MEDIA_TYPES
from ..store.models import CaseRecord, Dispatch, Document, Receipt
from ..store.plans import case_plans
from .cases import find_case
from .standing import DocumentRequest, dispatched_letters, fold

if TYPE_CHECKING:
    from ..report import Annex

ROLES = {
    "it": {"document": "Documento inviato ({kind}) via {channel}, spedizione {dispatch}",
           "receipt": "Ricevuta {kind} della spedizione {dispatch} via {channel}{signature}",
           "valid": "; firma del gestore valida", "invalid": "; firma del gestore non valida"},
    "es": {"document": "Documento enviado ({kind}) por {channel}, envío {dispatch}",
           "receipt": "Justificante {kind} del envío {dispatch} por {channel}{signature}",
           "valid": "; firma del prestador válida", "invalid": "; firma del prestador no válida"},
}


@dataclass(frozen=True)
class ProducedReport:
    data: bytes
    media_type: str
    filename: str
    annexes: int


def _read(blobs: BlobStore, sha256: str) -> bytes:
    return blobs.read_verified(sha256)  # the bytes read are checked against the hash that names them


def case_annexes(session: Session, blobs: BlobStore, record: CaseRecord, language: str) -> list[Annex]:
    """The stored evidence of the case's dispatches, as report annexes (oldest dispatch first)."""
    from ..report import Annex

    words = ROLES.get(language, ROLES["it"])
    out: list[Annex] = []
    for sent in dispatched_letters(session, record):
        dispatch = session.get(Dispatch, uuid.UUID(sent.dispatch_id))
        doc = session.get(Document, uuid.UUID(sent.document_id))
        if dispatch is None or doc is None:
            continue
        n = len(out) + 1
        out.append(Annex(f"{n:02d}-{doc.filename}", _read(blobs, doc.sha256),
                         words["document"].format(kind=doc.kind or doc.origin, channel=dispatch.channel,
                                                  dispatch=str(dispatch.id)[:8]), doc.media_type))
        receipts = session.scalars(select(Receipt).where(Receipt.dispatch_id == dispatch.id)
                                   .order_by(Receipt.created_at, Receipt.id))
        for receipt in receipts:
            signature = (words["valid"] if receipt.signature_valid else words["invalid"]
                         if receipt.signature_present else "")
            n = len(out) + 1
            out.append(Annex(f"{n:02d}-{receipt.filename}", _read(blobs, receipt.sha256),
                             words["receipt"].format(kind=receipt.kind, channel=dispatch.channel,
                                                     dispatch=str(dispatch.id)[:8], signature=signature),
                             receipt.media_type))
    return out


def produce_report(session: Session, blobs: BlobStore, tenant_id: uuid.UUID, case_id: uuid.UUID, fmt: str = "pdf",
                   *, year_end: dt.date | None = None, date: dt.date | None = None) -> ProducedReport:
    """The report on the case as it stands at `date` (default today in its jurisdiction), its grounds
    tested at `year_end`, with every stored piece of evidence annexed (PDF/A-3) or listed (DOCX)."""
    from ..report import render_report

    if fmt not in MEDIA_TYPES:
        raise InputError("format", f"'{fmt}' is not one of {', '.join(MEDIA_TYPES)}")
    record = find_case(session, tenant_id, case_id)
    standing = fold(session, record, request=DocumentRequest(kind=DocumentKind.uncollectability_report, date=date))
    case = standing.case
    annexes = case_annexes(session, blobs, record, case.language.value)
    earlier = [p for p in (Plan.model_validate(r.data) for r in case_plans(session, record)
                           if r.agreed_on <= case.date) if p != case.plan]
    data = render_report(case, annexes, fmt, year_end=year_end, earlier_plans=earlier)
    stem = (record.reference or str(record.id)).replace("/", "-")
    return ProducedReport(data, MEDIA_TYPES[fmt], f"{stem}-uncollectability_report-{case.date.isoformat()}.{fmt}",
                          len(annexes))
