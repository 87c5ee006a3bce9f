"""Use cases on documents: render the next document from the case as it stands, sign stored bytes.

A document is rendered once. Signing signs those stored bytes: PAdES appends an incremental update, so the
signed file begins with the unsigned file byte for byte, and what was stored is what was signed. Every
rendered document records what it was made from (case version, letter date, request, wording version and
the figures), so a letter can be explained years later.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..casefile import build_case
from ..errors import InputError, NotFound
from ..figures import Statement, rate_warnings
from ..model import Case
from ..store import BlobStore
from ..store import cases as case_store
from ..store.documents import MEDIA_TYPES, get_document, record_document
from ..store.models import CaseRecord, Document
from ..wording.catalogue import wording_version
from .brands import case_kit, recorded_brand
from .wording import tenant_override
from .cases import find_case
from .standing import DocumentRequest, Standing, fold

if TYPE_CHECKING:  # rendering imports WeasyPrint: loaded on first use, so listing documents stays light
    from ..pipeline import Rendering, Signing

Renderer = Callable[..., "Rendering"]  # (case, fmt) or (case, fmt, kit=BrandKit)


@dataclass(frozen=True)
class Produced:
    """The stored document (the signed version when signing was asked) and whether it is new."""

    document: Document
    created: bool
    unsigned: Document
    standing: Standing


def figures_summary(statement: Statement) -> dict[str, str]:
    """The totals a document was made from, as strings (exact decimals)."""
    return {"at": statement.at.isoformat(), "principal": str(statement.principal),
            "payments": str(statement.payments_total), "principal_outstanding": str(statement.principal_outstanding),
            "interest": str(statement.interest), "compensation": str(statement.compensation),
            "costs": str(statement.costs), "total_due": str(statement.total_due)}


def render_document(session: Session, blobs: BlobStore, tenant_id: uuid.UUID, case_id: uuid.UUID,
                    request: DocumentRequest, fmt: str = "pdf", *, signing: Signing | None = None,
                    renderer: Renderer | None = None, strict: bool = False, reuse_signed: bool = False) -> Produced:
    """Render the case as it stands at the letter date into a document of the requested kind and store it;
    with `signing`, sign exactly the rendered bytes and store the signed version too (pointing at it).
    With `reuse_signed` (a resumed campaign), a rendering stored before that already has a signed version
    gives back that version instead of a second signature over the same letter.
    `renderer` lets a caller run the rendering elsewhere (a bounded worker pool). With `strict`, a letter
    whose figures use a rate not marked verified is refused; otherwise the warning is recorded with it."""
    from ..pipeline import render, sign_rendering

    if signing is not None and fmt != "pdf":
        raise InputError("sign", "only PDF documents are signed (PAdES)")
    if fmt not in MEDIA_TYPES:
        raise InputError("format", f"'{fmt}' is not one of {', '.join(MEDIA_TYPES)}")
    record = find_case(session, tenant_id, case_id)
    standing = fold(session, record, request=request)
    case = standing.case
    warnings = rate_warnings(standing.statement)
    if strict and warnings:
        raise InputError("strict", warnings[0])
    kit = case_kit(session, blobs, tenant_id, case)  # a named brand: the tenant's stored version
    wording = tenant_override(session, tenant_id, case.language.value)  # the tenant's own wording, if any
    extra: dict[str, Any] = {k: v for k, v in (("kit", kit), ("wording_dir", wording)) if v is not None}
    rendering = (renderer or render)(case, fmt, **extra)
    if kit is not None:
        case = case.model_copy(update={"brand": kit.brand})  # the stamp takes the brand's colours
    signed = sign_rendering(case, rendering, signing) if signing is not None else None
    made = _made(record, standing, request, fmt, rendering)
    made["made_from"]["brand"] = kit.made_from() if kit else None
    made["made_from"]["wording_override"] = wording.digest if wording else None
    made["made_from"]["warnings"] = warnings
    stem = (record.reference or str(record.id)).replace("/", "-")
    name = f"{stem}-{case.kind.value}-{case.date.isoformat()}"
    # blob first, row second: a crash leaves an orphan blob, never a row without its file
    unsigned, created = record_document(session, tenant_id, blobs.put_bytes(rendering.data), origin="rendered",
                                        media_type=MEDIA_TYPES[fmt], filename=f"{name}.{fmt}", case_id=record.id,
                                        made=made)
    if signed is None:
        return Produced(unsigned, created, unsigned, standing)
    if reuse_signed and not created:
        earlier = session.scalars(select(Document).where(Document.tenant_id == tenant_id,
                                                         Document.signed_from_id == unsigned.id,
                                                         Document.origin == "signed").limit(1)).first()
        if earlier is not None:
            return Produced(earlier, False, unsigned, standing)
    doc, created = record_document(session, tenant_id, blobs.put_bytes(signed), origin="signed",
                                   media_type=MEDIA_TYPES["pdf"], filename=f"{name}.signed.pdf", case_id=record.id,
                                   signed_from=unsigned, made={**made, "made_from": {**made["made_from"],
                                                                                       "signed": _signed(signing)}})
    return Produced(doc, created, unsigned, standing)


def preview_document(session: Session, tenant_id: uuid.UUID, case_id: uuid.UUID, request: DocumentRequest, *,
                     renderer: Renderer | None = None) -> tuple[Rendering, Standing]:
    """Render the PDF `render_document` would store for this request, without storing anything: what the
    staff looks at before deciding to produce it (same fold, same figures, same letter date)."""
    from ..pipeline import render

    record = find_case(session, tenant_id, case_id)
    standing = fold(session, record, request=request)
    session.rollback()  # a read: the render may take a while, hold no transaction meanwhile
    return (renderer or (lambda c, f: render(c, f)))(standing.case, "pdf"), standing


def sign_document(session: Session, blobs: BlobStore, tenant_id: uuid.UUID, document_id: uuid.UUID,
                  signing: Signing) -> tuple[Document, bool]:
    """Sign a stored rendered PDF: the signed version is the stored bytes plus a PAdES incremental update,
    with the stamp over the room the layout reserved. Refuses documents that are not rendered PDFs, and
    bytes that no longer match their SHA-256 (evidence must be what was stored)."""
    from ..pipeline import Rendering, sign_rendering
    from ..render.result import SignatureBox

    doc = find_document(session, tenant_id, document_id)
    if doc.media_type != MEDIA_TYPES["pdf"]:
        raise InputError("document", "only PDF documents are signed (PAdES)")
    if doc.origin != "rendered" or not doc.made_from or doc.case_id is None:
        raise InputError("document", "only documents rendered by the service are signed here; sign an uploaded "
                                     "file with `correspondence sign` and upload it with signed_from")
    record = session.get(CaseRecord, doc.case_id)
    assert record is not None
    data = blobs.read_verified(doc.sha256)
    case = recorded_brand(session, tenant_id, document_case(session, record, doc), doc.made_from.get("brand"))
    box = doc.made_from.get("signature_box")
    rendering = Rendering(data, "pdf", SignatureBox(box["page"], tuple(box["box"])) if box else None,
                          engine=doc.made_from.get("engine") or "weasyprint")  # the stamp in the letter's engine
    signed = sign_rendering(case, rendering, signing)
    made = {"kind": doc.kind, "case_version": doc.case_version, "letter_date": doc.letter_date,
            "made_from": {**doc.made_from, "signed": _signed(signing)}}
    return record_document(session, tenant_id, blobs.put_bytes(signed), origin="signed",
                           media_type=MEDIA_TYPES["pdf"], filename=doc.filename.removesuffix(".pdf") + ".signed.pdf",
                           case_id=doc.case_id, signed_from=doc, made=made)


def find_document(session: Session, tenant_id: uuid.UUID, document_id: uuid.UUID) -> Document:
    doc = get_document(session, tenant_id, document_id)
    if doc is None:
        raise NotFound("document")
    return doc


def case_documents(session: Session, tenant_id: uuid.UUID, case_id: uuid.UUID) -> list[Document]:
    record = find_case(session, tenant_id, case_id)
    return list(session.scalars(select(Document).where(Document.case_id == record.id,
                                                       Document.tenant_id == tenant_id).order_by(Document.created_at)))


def document_case(session: Session, record: CaseRecord, doc: Document) -> Case:
    """The case exactly as the document was made from: its case version with the request applied."""
    data = case_store.version_data(session, record, doc.case_version or record.version) or record.data
    request = (doc.made_from or {}).get("request", {})
    return build_case({**data, **{k: v for k, v in request.items() if k != "format" and v is not None}})


def _made(record: CaseRecord, standing: Standing, request: DocumentRequest, fmt: str,
          rendering: Rendering) -> dict[str, Any]:
    case = standing.case
    box = rendering.signature_box
    return {
        "kind": case.kind.value, "case_version": standing.version, "letter_date": case.date,
        "made_from": {
            "request": {"kind": case.kind.value, "tone": case.tone.value, "date": case.date.isoformat(),
                        "deadline_days": case.deadline_days,
                        "delivery": case.delivery.value if case.delivery else None, "format": fmt},
            "wording_version": wording_version(case.language.value),
            "figures": figures_summary(standing.statement),
            "payments_recorded": standing.payments_recorded, "actions_recorded": standing.actions_recorded,
            "letters": [s.dispatch_id for s in standing.letters],
            "signature_box": {"page": box.page, "box": list(box.box)} if box else None,
            **({"engine": rendering.engine} if rendering.engine != "weasyprint" else {}),  # as a campaign's settings
            "pdfa": rendering.pdfa,
        },
    }


def _signed(signing: Optional[Signing]) -> dict[str, Any] | None:
    if signing is None:
        return None
    return {"level": signing.level.value, "signer": signing.key.subject_name}
