"""The PEC receipts collection left in the mailbox: they matched no dispatch (or the history refused them)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from fastapi import APIRouter
from pydantic import BaseModel, Field

from correspondence.store.unmatched import list_unmatched

from ..deps import SessionDep, TenantDep

router = APIRouter(tags=["pec"])


class UnmatchedOut(BaseModel):
    folder: str = Field(description="The mailbox folder the message is in (it is left there)")
    uid: str = Field(description="IMAP UID of the message in that folder")
    kind: str = Field(description="X-Ricevuta as found in the message (unverified)")
    reference: Optional[str] = Field(description="X-Riferimento-Message-ID as found (unverified)")
    size: int
    reason: str = Field(description="Why it was not attached")
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime


@router.get("/receipts/unmatched", response_model=list[UnmatchedOut])
def unmatched_receipts(session: SessionDep, who: TenantDep) -> list[UnmatchedOut]:
    """PEC receipts the last collection pass left in the tenant's mailbox, oldest first. Nothing is lost:
    once their dispatch exists (or the reason is fixed) the next pass attaches them."""
    return [UnmatchedOut(folder=r.folder, uid=r.uid, kind=r.kind, reference=r.reference, size=r.size,
                         reason=r.reason, first_seen_at=r.first_seen_at, last_seen_at=r.last_seen_at)
            for r in list_unmatched(session, who.tenant_id)]
