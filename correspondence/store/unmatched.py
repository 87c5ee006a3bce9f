"""The PEC receipts the last collection pass left in a tenant's mailbox, as a list to show
(``GET /v1/receipts/unmatched``). The mailbox keeps the messages; these rows only describe them."""
from __future__ import annotations

import uuid
from typing import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .models import UnmatchedReceipt
from .types import utcnow


def replace_unmatched(session: Session, tenant_id: uuid.UUID, folder: str,
                      found: Iterable[tuple[str, str, str | None, int, str]]) -> None:
    """Make the tenant's list for `folder` what one full pass found: (uid, kind, reference, size, reason).
    A message still there keeps its first-seen time. Commits."""
    now = utcnow()
    rows = {r.uid: r for r in session.scalars(select(UnmatchedReceipt).where(
        UnmatchedReceipt.tenant_id == tenant_id, UnmatchedReceipt.folder == folder))}
    seen = set()
    for uid, kind, reference, size, reason in found:
        seen.add(uid)
        row = rows.get(uid)
        if row is None:
            row = UnmatchedReceipt(tenant_id=tenant_id, folder=folder, uid=uid, first_seen_at=now)
            session.add(row)
        row.kind, row.reference, row.size, row.reason, row.last_seen_at = kind[:40], (reference or None) and \
            reference[:998], size, reason, now
    gone = [uid for uid in rows if uid not in seen]
    if gone:
        session.execute(delete(UnmatchedReceipt).where(UnmatchedReceipt.tenant_id == tenant_id,
                                                       UnmatchedReceipt.folder == folder,
                                                       UnmatchedReceipt.uid.in_(gone)))
    session.commit()


def list_unmatched(session: Session, tenant_id: uuid.UUID) -> list[UnmatchedReceipt]:
    return list(session.scalars(select(UnmatchedReceipt).where(UnmatchedReceipt.tenant_id == tenant_id)
                                .order_by(UnmatchedReceipt.first_seen_at, UnmatchedReceipt.uid)))
