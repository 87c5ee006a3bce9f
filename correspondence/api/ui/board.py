"""The dispatch board (every dispatch by state, deadline expired first), PEC receipt upload (drag and drop
or a file input) with what became of each file, and the deadlines due today and this week."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from correspondence.casework.deadlines import deadlines
from correspondence.casework.dispatches import list_dispatches
from correspondence.casework.receipts import attach_pec_receipts
from correspondence.dispatch.model import DeliveryState
from correspondence.dispatch.nesting import check_nesting
from correspondence.errors import CorrespondenceError
from correspondence.store import Store
from correspondence.store.models import Dispatch

from ..deps import SessionDep, StoreDep
from ..problems import Problem
from .pages import page
from .session import CSRF_FIELD, Staff, StaffDep, check_csrf

router = APIRouter()

BOARD_STATES = ("draft", "submitted", "accepted", "in_transit", "awaiting_pickup", "delivered", "unclaimed",
                "refused", "undeliverable", "rejected", "failed", "lost", "cancelled")
MAX_FILES = 20


@dataclass(frozen=True)
class UploadResult:
    """One uploaded file: matched (its dispatches, their state now), flagged (stored, not trusted) or
    refused (nothing stored), with the reason."""

    filename: str
    outcome: str
    reason: str | None = None
    dispatches: tuple[tuple[str, str], ...] = ()


def board_context(db: Any, staff: Staff, state: str) -> dict[str, Any]:
    rows = list_dispatches(db, staff.principal.tenant_id)
    counts = Counter(d.state for d, _ in rows)
    shown = [(d, c) for d, c in rows if not state or d.state == state]
    return {"rows": shown, "counts": counts, "states": BOARD_STATES, "state": state,
}


@router.get("/ui/dispatches", response_class=HTMLResponse, include_in_schema=False)
def board(request: Request, db: SessionDep, staff: StaffDep, state: str = "") -> HTMLResponse:
    state = state if state in {s.value for s in DeliveryState} else ""
    return page(request, "board.html", staff, results=None, **board_context(db, staff, state))


def _attach(store: Store, staff: Staff, filename: str, data: bytes) -> UploadResult:
    try:
        check_nesting(data)
        with store.session() as db:
            attached = attach_pec_receipts(db, store.blobs, staff.principal.tenant_id, None, data,
                                           filename=filename, max_bytes=store.settings.max_upload_bytes)
            receipt = attached[0][0]
            states = []
            for r, _ in attached:
                row = db.get(Dispatch, r.dispatch_id)
                db.refresh(row)
                states.append((str(r.dispatch_id), row.state if row else ""))
            if receipt.flagged:
                return UploadResult(filename, "flagged", receipt.flag_reason, tuple(states))
            return UploadResult(filename, "matched", None, tuple(states))
    except CorrespondenceError as exc:
        return UploadResult(filename, "refused", getattr(exc, "reason", None) or str(exc))


@router.post("/ui/receipts", response_class=HTMLResponse, include_in_schema=False)
async def upload_receipts(request: Request, store: StoreDep, staff: StaffDep) -> HTMLResponse:
    """Each file is a PEC receipt (.eml as received) that finds its dispatch by Message-ID and recipient."""
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=5, max_part_size=64 * 1024)
    except Exception as exc:  # malformed multipart, too many parts
        if getattr(exc, "status_code", None) == 413:
            raise
        raise Problem(400, f"malformed upload: {getattr(exc, 'detail', exc)}", slug="malformed-body",
                      field="file") from None
    token = form.get(CSRF_FIELD)
    await check_csrf(request, token if isinstance(token, str) else "")
    results = []
    for part in form.getlist("file"):
        if not isinstance(part, UploadFile) or not part.filename:
            continue
        data = await part.read(store.settings.max_upload_bytes + 1)
        name = part.filename[:200]
        if len(data) > store.settings.max_upload_bytes:
            results.append(UploadResult(name, "refused", f"larger than {store.settings.max_upload_bytes} bytes"))
            continue
        results.append(await run_in_threadpool(_attach, store, staff, name, data))
    context = await run_in_threadpool(_board_read, store, staff)
    status = 200 if results and all(r.outcome != "refused" for r in results) else 422
    return page(request, "board.html", staff, results=results, status_code=status, **context)


def _board_read(store: Store, staff: Staff) -> dict[str, Any]:
    with store.session() as db:
        context = board_context(db, staff, "")
        for dispatch, case in context["rows"]:  # loaded now: the session closes before the page renders
            _ = (dispatch.state, case.debtor_name)
        db.expunge_all()
        return context


@router.get("/ui/deadlines", response_class=HTMLResponse, include_in_schema=False)
def deadline_page(request: Request, db: SessionDep, staff: StaffDep) -> HTMLResponse:
    found = deadlines(db, staff.principal.tenant_id)
    return page(request, "deadlines.html", staff, found=found, today=dt.date.today())
