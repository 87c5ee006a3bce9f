"""Use cases: receive a PEC receipt (uploaded or read from the mailbox) and collect a mailbox's receipts.

`receive_pec` is the one way a PEC receipt joins its dispatches (``POST /v1/receipts`` and collection both
use it): it finds the tenant's dispatches of the message it refers to and, for a per-recipient receipt,
the one whose recipient daticert `consegna` names. `collect` reads the mailbox, attaches each receipt, and
moves it to the processed folder only after it is stored; a receipt that matches nothing, or that the
history refuses, stays where it is and is reported. Re-running is harmless: attaching the same bytes
again is a no-op. What stays is also recorded for ``GET /v1/receipts/unmatched``. `collect_all` is the
periodic job (cron, a worker loop, `correspondence pec poll`); `watching.watch` waits with IMAP IDLE.
"""
from __future__ import annotations

import logging
import ssl
import uuid
from dataclasses import dataclass, field
from typing import Callable, Mapping

from sqlalchemy import select

from ..dispatch import IllegalTransition
from ..dispatch.inbox import Inbox, ReceiptSource
from ..dispatch.providers import TrustList
from ..dispatch.mailbox import MailServerError, PecMailbox, tls_context
from ..errors import CorrespondenceError, InputError
from ..store import Store
from .receipts import attach_pec_receipts
from ..store.mailboxes import mailbox_for_use
from ..store.models import Mailbox, Receipt
from ..store.unmatched import replace_unmatched

log = logging.getLogger(__name__)
MAX_PER_PASS = 500


def receive_pec(store: Store, tenant_id: uuid.UUID, data: bytes, *, filename: str,
                dispatch_id: uuid.UUID | None = None, trust: TrustList | None = None) -> list[tuple[Receipt, bool]]:
    """Parse, verify and attach a PEC receipt to the dispatches it concerns (the code behind
    ``POST /v1/receipts``): [(receipt, created)], each attachment committed with its event. `trust`
    replaces the installed list of accredited providers (the demo trusts its simulator this way)."""
    with store.session() as session:
        return attach_pec_receipts(session, store.blobs, tenant_id, dispatch_id, data, filename=filename,
                                   max_bytes=store.settings.max_upload_bytes, trust=trust)


@dataclass(frozen=True)
class Collected:
    """One mailbox message looked at: outcome matched (stored, moved), flagged (stored with a doubt,
    moved) or unmatched (left in the mailbox, `reason` says why)."""

    uid: str
    kind: str
    outcome: str
    dispatch_ids: tuple[uuid.UUID, ...] = ()
    receipt_ids: tuple[uuid.UUID, ...] = ()
    reason: str | None = None


@dataclass
class CollectReport:
    items: list[Collected] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for i in self.items if i.outcome == outcome)

    @property
    def summary(self) -> dict[str, int]:
        return {o: self.count(o) for o in ("matched", "flagged", "unmatched")}


def collect(store: Store, tenant_id: uuid.UUID, mailbox: PecMailbox, *, context: ssl.SSLContext | None = None,
            limit: int = MAX_PER_PASS, trust: TrustList | None = None) -> CollectReport:
    """One pass over the mailbox folder: attach every PEC receipt found, move the stored ones."""
    with Inbox(mailbox.imap, context or tls_context()) as inbox:
        return collect_from(store, tenant_id, inbox, mailbox.processed_folder, limit=limit, trust=trust)


def collect_from(store: Store, tenant_id: uuid.UUID, inbox: ReceiptSource, processed_folder: str, *,
                 limit: int = MAX_PER_PASS, trust: TrustList | None = None,
                 on_item: Callable[[Collected], None] | None = None) -> CollectReport:
    """`collect` on an open inbox (the watcher keeps one open between passes)."""
    report = CollectReport()
    waiting_list = inbox.waiting_receipts()
    for waiting in waiting_list[:limit]:
        if waiting.size > store.settings.max_upload_bytes:
            item = Collected(waiting.uid, waiting.kind, "unmatched",
                             reason=f"larger than the {store.settings.max_upload_bytes}-byte limit")
        else:
            item = _collect_one(store, tenant_id, inbox, waiting.uid, waiting.kind, processed_folder, trust)
        report.items.append(item)
        if on_item is not None:
            on_item(item)
    if len(waiting_list) <= limit:  # a full pass: the list of what stays is complete
        refs = {w.uid: w for w in waiting_list}
        with store.session() as session:
            replace_unmatched(session, tenant_id, inbox.server.folder or "INBOX", [
                (i.uid, i.kind, refs[i.uid].reference, refs[i.uid].size, i.reason or "")
                for i in report.items if i.outcome == "unmatched"])
    log.info("PEC collection for tenant %s: %s", tenant_id, report.summary)
    return report


def _collect_one(store: Store, tenant_id: uuid.UUID, inbox: ReceiptSource, uid: str, kind: str, processed_folder: str,
                 trust: TrustList | None) -> Collected:
    data = inbox.read(uid)
    try:
        results = receive_pec(store, tenant_id, data, filename=f"pec-{uid}.eml", trust=trust)
    except (InputError, IllegalTransition) as exc:
        reason = exc.reason if isinstance(exc, InputError) else str(exc)
        return Collected(uid, kind, "unmatched", reason=reason)
    inbox.move([uid], processed_folder)  # only once stored: a pass killed before this re-reads it
    receipts = [r for r, _ in results]
    return Collected(uid, kind, "flagged" if any(r.flagged for r in receipts) else "matched",
                     tuple(r.dispatch_id for r in receipts), tuple(r.id for r in receipts),
                     "; ".join(sorted({r.flag_reason for r in receipts if r.flag_reason})) or None)


def collect_all(store: Store, *, env: Mapping[str, str] | None = None,
                context: ssl.SSLContext | None = None) -> dict[uuid.UUID, CollectReport | str]:
    """The periodic job: one pass over every stored PEC mailbox. A failing mailbox (server down, wrong
    password) is reported by its error and does not stop the others."""
    with store.session() as session:
        rows = list(session.scalars(select(Mailbox).where(Mailbox.kind == "pec").order_by(Mailbox.tenant_id)))
    results: dict[uuid.UUID, CollectReport | str] = {}
    for row in rows:
        try:
            results[row.tenant_id] = collect(store, row.tenant_id, mailbox_for_use(row, env), context=context)
        except (MailServerError, CorrespondenceError) as exc:
            log.warning("PEC collection for tenant %s failed: %s", row.tenant_id, exc)
            results[row.tenant_id] = str(exc)
    return results
