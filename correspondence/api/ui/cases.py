"""Case pages: the work list with filters, one case as it stands (figures, next step, timeline, documents,
dispatches), and its forms: a payment, a call or visit, the next document (previewed, then stored), a
dispatch. Every action goes through `correspondence.casework`; a refusal is shown on the page."""
from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from correspondence.casework import cases as casework
from correspondence.casework.dispatches import list_dispatches, open_dispatch
from correspondence.casework.plans import case_plan_standings
from correspondence.casework.documents import case_documents, find_document, preview_document, render_document
from correspondence.casework.standing import DocumentRequest, today_in
from correspondence.casework.steps import next_step
from correspondence.casework.worklist import CaseFilter, work_list
from correspondence.dispatch.model import CERTIFIED_CHANNELS
from correspondence.errors import InputError
from correspondence.evidence import case_timeline
from correspondence.model import ActionType, DocumentKind, Tone

from ..deps import JobsDep, SessionDep, StoreDep
from ..routes.common import file_response
from . import forms
from .pages import page, see_other
from .preview import data_uri, png_pages
from .session import StaffDep

router = APIRouter()

PHASES = ("opened", "first_demand", "contact", "second_demand", "home_visit", "legal_notice", "plan", "plan_broken",
          "settled")
STAFF_ACTIONS = (ActionType.phone_call, ActionType.home_visit, ActionType.email, ActionType.tracing,
                 ActionType.data_check, ActionType.other)
LETTER_KINDS = tuple(DocumentKind)
CHANNELS = tuple(sorted(c.value for c in CERTIFIED_CHANNELS))
#: the document a next step asks for (a call or visit is followed by the next letter of the sequence)
SUGGESTED_KIND = {"data_check": "first_demand", "first_demand": "first_demand", "phone_call": "second_demand",
                  "tracing": "second_demand", "second_demand": "second_demand", "home_visit": "legal_notice",
                  "legal_notice": "legal_notice", "await_delivery": "legal_notice",
                  "court_or_report": "uncollectability_report", "close": "uncollectability_report",
                  "await_instalment": "payment_receipt", "missed_instalment": "missed_instalment"}


@router.get("/ui/cases", response_class=HTMLResponse, include_in_schema=False)
def case_list(request: Request, db: SessionDep, staff: StaffDep, phase: str = "", due: str = "", debtor: str = "",
              min_owed: str = "", max_owed: str = "") -> HTMLResponse:
    errors: list[InputError] = []
    where = CaseFilter()
    try:
        where = CaseFilter(phase=phase if phase in PHASES else None, due=forms.optional_day(due, "due"),
                           debtor=forms.text(debtor, "debtor", max_length=100),
                           min_owed=forms.amount(min_owed, "min_owed", required=False),
                           max_owed=forms.amount(max_owed, "max_owed", required=False))
    except InputError as exc:
        errors.append(exc)
    items = work_list(db, staff.principal.tenant_id, where)
    return page(request, "cases.html", staff, items=items, phases=PHASES, errors=errors,
                filters={"phase": phase, "due": due, "debtor": debtor, "min_owed": min_owed, "max_owed": max_owed},
                status_code=422 if errors else 200)


def case_context(db: Session, tenant_id: uuid.UUID, case_id: uuid.UUID) -> dict[str, Any]:
    """Everything the case page shows, read through casework (NotFound for another tenant's case)."""
    record, standing = casework.case_standing(db, tenant_id, case_id)
    step = next_step(standing)
    return {"record": record, "standing": standing, "figures": standing.statement, "step": step,
            "suggested_kind": SUGGESTED_KIND.get(step.step, "first_demand"),
            "timeline": case_timeline(db, record), "documents": case_documents(db, tenant_id, case_id),
            "dispatches": [d for d, _ in list_dispatches(db, tenant_id, case_id=case_id)],
            "plans": case_plan_standings(db, tenant_id, case_id, standing=standing),
            "today": today_in(record.jurisdiction), "action_types": STAFF_ACTIONS, "kinds": LETTER_KINDS,
            "tones": tuple(Tone), "channels": CHANNELS}


def _case_page(request: Request, db: Session, staff: Any, case_id: uuid.UUID, *, error: InputError | None = None,
               form: str | None = None, values: dict[str, str] | None = None) -> HTMLResponse:
    context = case_context(db, staff.principal.tenant_id, case_id)
    return page(request, "case.html", staff, error=error, form=form, values=values or {},
                status_code=422 if error else 200, **context)


@router.get("/ui/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
def case_page(case_id: uuid.UUID, request: Request, db: SessionDep, staff: StaffDep) -> HTMLResponse:
    return _case_page(request, db, staff, case_id)


@router.post("/ui/cases/{case_id}/payments", dependencies=forms.CSRF, include_in_schema=False)
def add_payment(case_id: uuid.UUID, request: Request, db: SessionDep, staff: StaffDep, paid_on: str = Form(""),
                amount: str = Form(""), reference: str = Form("")) -> Response:
    values = {"paid_on": paid_on, "amount": amount, "reference": reference}
    try:
        record = casework.find_case(db, staff.principal.tenant_id, case_id)
        casework.record_payment(db, staff.principal.tenant_id, case_id,
                                paid_on=forms.day(paid_on, "paid_on", default=today_in(record.jurisdiction)),
                                amount=forms.amount(amount, "amount"),  # type: ignore[arg-type]
                                reference=forms.text(reference, "reference", max_length=200))
    except InputError as exc:
        return _case_page(request, db, staff, case_id, error=exc, form="payment", values=values)
    return see_other(f"/ui/cases/{case_id}#figures")


@router.post("/ui/cases/{case_id}/actions", dependencies=forms.CSRF, include_in_schema=False)
def add_action(case_id: uuid.UUID, request: Request, db: SessionDep, staff: StaffDep, type: str = Form(""),
               occurred_on: str = Form(""), outcome: str = Form(""), description: str = Form("")) -> Response:
    values = {"type": type, "occurred_on": occurred_on, "outcome": outcome, "description": description}
    try:
        record = casework.find_case(db, staff.principal.tenant_id, case_id)
        kind = forms.choice(type, "type", ActionType)
        if kind not in STAFF_ACTIONS:
            raise InputError("type", f"record letters by producing and dispatching them; here one of "
                                     f"{', '.join(a.value for a in STAFF_ACTIONS)}")
        casework.record_action(db, staff.principal.tenant_id, case_id, type=kind,
                               occurred_on=forms.day(occurred_on, "occurred_on", default=today_in(record.jurisdiction)),
                               outcome=forms.text(outcome, "outcome"), description=forms.text(description, "description"))
    except InputError as exc:
        return _case_page(request, db, staff, case_id, error=exc, form="action", values=values)
    return see_other(f"/ui/cases/{case_id}#timeline")


def _document_request(kind: str, tone: str, date: str, jurisdiction: str) -> DocumentRequest:
    return DocumentRequest(kind=forms.choice(kind, "kind", DocumentKind), tone=forms.choice(tone, "tone", Tone),
                           date=forms.day(date, "date", default=today_in(jurisdiction)))


@router.post("/ui/cases/{case_id}/preview", response_class=HTMLResponse, dependencies=forms.CSRF,
             include_in_schema=False)
def preview(case_id: uuid.UUID, request: Request, db: SessionDep, staff: StaffDep, jobs: JobsDep,
            kind: str = Form(""), tone: str = Form(""), date: str = Form("")) -> HTMLResponse:
    """Render the document as it would be stored and show its pages; nothing is stored yet."""
    from correspondence.pipeline import render as render_case

    values = {"kind": kind, "tone": tone, "date": date}
    try:
        record = casework.find_case(db, staff.principal.tenant_id, case_id)
        wanted = _document_request(kind, tone, date, record.jurisdiction)
        rendering, standing = preview_document(db, staff.principal.tenant_id, case_id, wanted,
                                               renderer=lambda case, fmt: jobs.run(render_case, case, fmt))
    except InputError as exc:
        return _case_page(request, db, staff, case_id, error=exc, form="document", values=values)
    images = [data_uri(png) for png in png_pages(rendering.data)]
    return page(request, "preview.html", staff, record=record, standing=standing, images=images,
                request_values={"kind": wanted.kind.value, "tone": wanted.tone.value,  # type: ignore[union-attr]
                                "date": standing.at.isoformat()})


@router.post("/ui/cases/{case_id}/documents", dependencies=forms.CSRF, include_in_schema=False)
def produce(case_id: uuid.UUID, request: Request, db: SessionDep, store: StoreDep, staff: StaffDep, jobs: JobsDep,
            kind: str = Form(""), tone: str = Form(""), date: str = Form("")) -> Response:
    """Store the previewed document (rendered again from the same request: same fold, same bytes' content)."""
    from correspondence.pipeline import render as render_case

    try:
        record = casework.find_case(db, staff.principal.tenant_id, case_id)
        render_document(db, store.blobs, staff.principal.tenant_id, case_id,
                        _document_request(kind, tone, date, record.jurisdiction), "pdf",
                        renderer=lambda case, fmt: jobs.run(render_case, case, fmt))
    except InputError as exc:
        return _case_page(request, db, staff, case_id, error=exc, form="document",
                          values={"kind": kind, "tone": tone, "date": date})
    return see_other(f"/ui/cases/{case_id}#documents")


@router.post("/ui/cases/{case_id}/dispatches", dependencies=forms.CSRF, include_in_schema=False)
def dispatch(case_id: uuid.UUID, request: Request, db: SessionDep, staff: StaffDep, document_id: str = Form(""),
             channel: str = Form(""), recipient: str = Form(""), message_id: str = Form(""),
             submitted_at: str = Form("")) -> Response:
    """Record that a stored document is being sent (a PEC sent elsewhere: with its Message-ID and time)."""
    values = {"document_id": document_id, "channel": channel, "recipient": recipient, "message_id": message_id,
              "submitted_at": submitted_at}
    try:
        open_dispatch(db, staff.principal.tenant_id, case_id=case_id,
                      document_id=forms.identifier(document_id, "document_id"), channel=channel,
                      recipient=forms.text(recipient, "recipient", required=True, max_length=320) or "",
                      message_id=forms.text(message_id, "message_id", max_length=500),
                      submitted_at=forms.instant(submitted_at, "submitted_at"))
    except InputError as exc:
        db.rollback()
        return _case_page(request, db, staff, case_id, error=exc, form="dispatch", values=values)
    return see_other(f"/ui/cases/{case_id}#dispatches")


@router.get("/ui/documents/{document_id}", include_in_schema=False)
def document_file(document_id: uuid.UUID, request: Request, db: SessionDep, store: StoreDep,
                  staff: StaffDep) -> Response:
    """The stored document, byte for byte (another tenant's answers 404)."""
    doc = find_document(db, staff.principal.tenant_id, document_id)
    return file_response(request, store, doc.sha256, doc.media_type, doc.filename)
