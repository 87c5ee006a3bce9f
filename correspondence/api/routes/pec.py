"""PEC by the service itself: the tenant's mailbox, sending a dispatch, collecting receipts from the mailbox."""
from __future__ import annotations

import uuid
from typing import Any, Literal, Optional

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from correspondence.casework.collection import collect
from correspondence.casework.mailboxes import pec_mailbox
from correspondence.casework.submission import send_dispatch
from correspondence.dispatch.mailbox import MailServerError
from correspondence.store.mailboxes import MailboxSettings, get_mailbox, put_mailbox
from correspondence.store.models import Mailbox

from ..deps import SessionDep, StoreDep, TenantDep
from ..problems import Problem, not_found
from ..schemas import DispatchOut
from ..views import dispatch_out
from .common import dispatch_or_404, responses

router = APIRouter(tags=["pec"])
UPSTREAM: dict[int | str, dict[str, Any]] = {502: {"description": "The PEC mail server could not be reached or refused (TLS, credentials)"}}


class MailboxIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    address: str = Field(max_length=320, description="The PEC address the notices are sent from")
    smtp_url: str = Field(max_length=500, examples=["smtps://smtps.pec.example.it:465"],
                          description="smtps:// (implicit TLS) or smtp:// (STARTTLS required); no credentials")
    imap_url: str = Field(max_length=500, examples=["imaps://imaps.pec.example.it:993/INBOX"],
                          description="imaps:// or imap:// (STARTTLS required), path = folder to read")
    username: str = Field(max_length=320)
    password: Optional[str] = Field(default=None, max_length=1000, json_schema_extra={"writeOnly": True},
                                    description="Write-only, stored encrypted; leave out to keep the stored one")
    processed_folder: str = Field(default="Processed", max_length=200,
                                  description="Where collected receipts are moved")


class MailboxOut(BaseModel):
    address: str
    smtp_url: str
    imap_url: str
    username: str
    processed_folder: str
    password_set: Literal[True] = True


class SendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    p7m_document_id: Optional[uuid.UUID] = Field(default=None, description="A stored CAdES .p7m to attach too")


class CollectedOut(BaseModel):
    uid: str
    kind: str
    outcome: Literal["matched", "flagged", "unmatched"]
    dispatch_ids: list[uuid.UUID]
    receipt_ids: list[uuid.UUID]
    reason: Optional[str]


class CollectOut(BaseModel):
    matched: int
    flagged: int
    unmatched: int
    messages: list[CollectedOut]


def _mailbox_out(row: Mailbox) -> MailboxOut:
    return MailboxOut(address=row.address, smtp_url=row.smtp_url, imap_url=row.imap_url, username=row.username,
                      processed_folder=row.processed_folder)


def _upstream(exc: MailServerError) -> Problem:
    return Problem(502, exc.reason, slug="mail-server", field=exc.field)


@router.put("/mailboxes/pec", response_model=MailboxOut, status_code=200,
            responses={201: {"model": MailboxOut, "description": "Configured for the first time"}, **responses(503)})
def put_pec_mailbox(body: MailboxIn, session: SessionDep, who: TenantDep, response: Response) -> MailboxOut:
    """Configure the tenant's PEC mailbox. The password is encrypted with the server key
    (CORRESPONDENCE_SECRET_KEY) and never returned."""
    row, created = put_mailbox(session, who.tenant_id, MailboxSettings(**body.model_dump()))
    response.status_code = 201 if created else 200
    return _mailbox_out(row)


@router.get("/mailboxes/pec", response_model=MailboxOut, responses=responses(404))
def get_pec_mailbox(session: SessionDep, who: TenantDep) -> MailboxOut:
    row = get_mailbox(session, who.tenant_id)
    if row is None:
        raise not_found("PEC mailbox")
    return _mailbox_out(row)


@router.post("/mailboxes/pec/collect", response_model=CollectOut, responses={**responses(422, 503), **UPSTREAM})
async def collect_pec(store_: StoreDep, who: TenantDep) -> CollectOut:
    """One collection pass now: attach the receipts waiting in the mailbox, move them to the processed
    folder; receipts that match no dispatch stay in the mailbox and are listed as unmatched."""
    def work() -> CollectOut:
        with store_.session() as session:
            mailbox = pec_mailbox(session, who.tenant_id)
        report = collect(store_, who.tenant_id, mailbox)
        return CollectOut(**report.summary, messages=[CollectedOut(
            uid=i.uid, kind=i.kind, outcome=i.outcome, dispatch_ids=list(i.dispatch_ids),
            receipt_ids=list(i.receipt_ids), reason=i.reason) for i in report.items])
    try:
        return await run_in_threadpool(work)
    except MailServerError as exc:
        raise _upstream(exc) from None


@router.post("/dispatches/{dispatch_id}/send", response_model=DispatchOut, status_code=202,
             responses={200: {"model": DispatchOut, "description": "Already sent: nothing was sent again"},
                        **responses(404, 422, 503), **UPSTREAM})
async def send(dispatch_id: uuid.UUID, store_: StoreDep, who: TenantDep, response: Response,
               body: Optional[SendIn] = None) -> DispatchOut:
    """Submit the dispatch's document by SMTP from the tenant's PEC mailbox, with the dispatch's
    Message-ID, to every recipient sharing it. 202: submitted (state `submitted`, receipts to follow);
    200: it had already been sent, nothing was sent again."""
    def work() -> tuple[DispatchOut, bool]:
        with store_.session() as session:
            dispatch_or_404(session, who, dispatch_id)
            mailbox = pec_mailbox(session, who.tenant_id)
        result = send_dispatch(store_, who.tenant_id, dispatch_id, mailbox,
                               p7m_document_id=body.p7m_document_id if body else None)
        with store_.session() as session:
            return dispatch_out(session, dispatch_or_404(session, who, dispatch_id)), result.already_sent
    try:
        out, already = await run_in_threadpool(work)
    except MailServerError as exc:
        raise _upstream(exc) from None
    response.status_code = 200 if already else 202
    return out
