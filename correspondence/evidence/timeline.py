"""The case timeline: every step of the recovery in date order, each pointing at its evidence.

Entries come from the case file (earlier actions and payments), from what was recorded since (actions,
payments), and from the dispatch trail (documents, dispatches, events, receipts, the legal effect with its
rule and the payment deadline). Untrusted evidence is listed but marked, never silently dropped.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store import cases as case_store
from ..store.dispatches import event_records, status
from ..store.models import CaseRecord, Dispatch, Document, Receipt

_ORDER = ("case", "action", "payment", "document", "dispatch", "event", "receipt", "legal_effect", "deadline")


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str
    summary: str
    ref: Optional[str] = None

    def sort_key(self) -> tuple[dt.datetime, int, str]:
        return (self.at, _ORDER.index(self.kind.split(":")[0]), self.summary)


def _day(value: dt.date) -> dt.datetime:
    return dt.datetime.combine(value, dt.time(0), dt.timezone.utc)


def case_timeline(session: Session, case: CaseRecord) -> list[TimelineEntry]:
    data = case.data
    entries = [TimelineEntry(case.created_at, "case", f"Case recorded (debtor {case.debtor_name})", str(case.id))]
    for action in data.get("actions", []):
        text = "; ".join(filter(None, [action.get("description"), action.get("outcome")]))
        entries.append(TimelineEntry(_day(dt.date.fromisoformat(action["date"])), f"action:{action['type']}",
                                     text or action["type"].replace("_", " ")))
    for payment in data.get("claim", {}).get("payments", []):
        entries.append(TimelineEntry(_day(dt.date.fromisoformat(payment["date"])), "payment",
                                     f"Payment of EUR {payment['amount']} (case file)"))
    for action in case_store.actions(session, case):
        text = "; ".join(filter(None, [action.description, action.outcome]))
        entries.append(TimelineEntry(_day(action.occurred_on), f"action:{action.type}",
                                     text or action.type.replace("_", " "), str(action.id)))
    for payment in case_store.payments(session, case):
        ref = f" ({payment.reference})" if payment.reference else ""
        entries.append(TimelineEntry(_day(payment.paid_on), "payment", f"Payment of EUR {payment.amount}{ref}",
                                     str(payment.id)))
    for doc in session.scalars(select(Document).where(Document.case_id == case.id)):
        signed = f", signed version of {doc.signed_from_id}" if doc.signed_from_id else ""
        entries.append(TimelineEntry(doc.created_at, "document",
                                     f"Document {doc.origin} ({doc.media_type}){signed}, SHA-256 {doc.sha256}",
                                     str(doc.id)))
    for dispatch in session.scalars(select(Dispatch).where(Dispatch.case_id == case.id)):
        entries.extend(_dispatch_entries(session, dispatch))
    return sorted(entries, key=TimelineEntry.sort_key)


def _dispatch_entries(session: Session, dispatch: Dispatch) -> list[TimelineEntry]:
    ref = str(dispatch.id)
    out = [TimelineEntry(dispatch.created_at, "dispatch", f"Dispatch by {dispatch.channel} to {dispatch.recipient}",
                         ref)]
    records = event_records(session, dispatch)
    for event in records:
        mark = "" if event.trusted else " [UNTRUSTED evidence: does not change the state]"
        out.append(TimelineEntry(event.occurred_at, f"event:{event.type}",
                                 f"{event.type.replace('_', ' ')} ({event.source}){mark}", str(event.id)))
    for receipt in session.scalars(select(Receipt).where(Receipt.dispatch_id == dispatch.id)):
        flag = f" [FLAGGED: {receipt.flag_reason}]" if receipt.flagged else ""
        out.append(TimelineEntry(receipt.created_at, "receipt",
                                 f"Receipt {receipt.kind} received, SHA-256 {receipt.sha256}{flag}", str(receipt.id)))
    st = status(session, dispatch, records)
    effect = st.legal_effect
    if effect is not None and effect.effective_at is not None:
        kind = "deemed" if effect.deemed else "actual"
        out.append(TimelineEntry(effect.effective_at, "legal_effect",
                                 f"Legal effect ({kind}, rule {effect.rule}): {effect.explanation} [{effect.source}]",
                                 ref))
    if st.deadline_at is not None:
        out.append(TimelineEntry(_day(st.deadline_at), "deadline",
                                 f"Payment deadline ({dispatch.deadline_days} days from legal effect)", ref))
    return out
