"""The case as it stands now: stored data, payments, actions and dispatches folded into one `Case`.

Every document, every figure the API shows and the next-step answer are made from this fold, so the letter
and the service always agree. What the fold adds to the case as filed:
- payments recorded since the case was opened, up to the date asked (a later payment is recorded but does
  not appear in a letter dated before it);
- actions recorded since (calls, visits, tracing), up to that date;
- every letter the service dispatched: an `Action` of type letter / legal_notice dated when it was handed
  to the channel, with its channel and, once the dispatch replay gives one, the date it took legal effect and
  the rule that fixed it (IT art. 1335 c.c., ES art. 1262 CC...). Only such a delivered letter interrupts
  prescription (IT art. 2943 c.4 c.c., ES art. 1973 CC); an undelivered one does not.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..casefile import build_case
from ..dispatch.legal import LEGAL_ZONES
from ..dispatch.machine import RecipientStatus
from ..dispatch.model import EventType
from ..figures import Prescription, Statement, compute_statement, prescription
from ..model import ActionType, Case, DeliveryChannel, DocumentKind, Tone
from ..store import cases as case_store
from ..store.dispatches import status
from ..store.models import CaseRecord, Dispatch, Document

SENT_EVENTS = frozenset({EventType.submitted, EventType.accepted})


@dataclass(frozen=True)
class DocumentRequest:
    """What a new document asks of the case: its kind, tone, letter date, deadline and delivery channel.
    Unset fields keep the case's own; the letter date defaults to today in the jurisdiction's time zone."""

    kind: Optional[DocumentKind] = None
    tone: Optional[Tone] = None
    date: Optional[dt.date] = None
    deadline_days: Optional[int] = None
    delivery: Optional[DeliveryChannel] = None

    def overrides(self) -> dict[str, Any]:
        return {name: getattr(value, "value", value) for name, value in (
            ("kind", self.kind), ("tone", self.tone), ("deadline_days", self.deadline_days),
            ("delivery", self.delivery)) if value is not None}


@dataclass(frozen=True)
class SentLetter:
    """A document the service dispatched, with what its dispatch proves so far."""

    dispatch_id: str
    document_id: str
    kind: Optional[DocumentKind]
    channel: str
    sent_on: dt.date
    state: str
    delivered_on: Optional[dt.date]
    rule: Optional[str]
    deadline_at: Optional[dt.date]


@dataclass(frozen=True)
class Standing:
    """The folded case at `at`, with its figures and prescription computed on exactly that case."""

    case: Case
    at: dt.date
    version: int
    statement: Statement
    prescription: Prescription
    letters: tuple[SentLetter, ...] = field(default_factory=tuple)
    payments_recorded: int = 0
    actions_recorded: int = 0


def today_in(jurisdiction: str) -> dt.date:
    """Today's civil date where the case's law applies (a letter written at 00:30 in Rome is dated there)."""
    return dt.datetime.now(LEGAL_ZONES.get(jurisdiction, LEGAL_ZONES["IT"])).date()


def fold(session: Session, record: CaseRecord, *, at: dt.date | None = None,
         request: DocumentRequest | None = None, data: dict[str, Any] | None = None) -> Standing:
    """The case as it stands at `at` (default: the request's letter date, else today).

    Without a request the case keeps its filed kind and letter date, and figures are computed at `at`; with
    one, the request's kind, tone, deadline and delivery apply and `at` becomes the letter date. Raises
    `InputError` when the result is not a valid case (e.g. an invoice not yet due at the letter date).
    `data` replaces the stored current version (used to check an amendment before it is written).
    """
    at = at or (request.date if request and request.date else None) or today_in(record.jurisdiction)
    base = dict(data if data is not None else record.data)
    payments = [p for p in case_store.payments(session, record) if p.paid_on <= at]
    actions = [a for a in case_store.actions(session, record) if a.occurred_on <= at]
    letters = tuple(sent for sent in dispatched_letters(session, record) if sent.sent_on <= at)
    claim = dict(base["claim"])
    claim["payments"] = [*claim.get("payments", []), *(
        {"date": p.paid_on.isoformat(), "amount": str(p.amount),
         **({"reference": p.reference} if p.reference else {}), **({"invoice": p.invoice} if p.invoice else {})}
        for p in payments)]
    base["claim"] = claim
    base["actions"] = sorted([*base.get("actions", []), *(_action(a) for a in actions),
                              *(_letter_action(s, at) for s in letters)], key=lambda a: a["date"])
    if request is not None:
        if request.kind is not None and request.kind.value != base.get("kind") and request.deadline_days is None:
            base.pop("deadline_days", None)  # the new kind's default term applies
        base.update(request.overrides())
        base["date"] = at.isoformat()
    case = build_case(base)
    return Standing(case=case, at=at, version=record.version, statement=compute_statement(case, at),
                    prescription=prescription(case, at), letters=letters, payments_recorded=len(payments),
                    actions_recorded=len(actions))


def dispatched_letters(session: Session, record: CaseRecord) -> list[SentLetter]:
    """Every dispatch of the case that was handed to its channel, oldest first, with its replayed status."""
    rows = session.execute(select(Dispatch, Document).join(Document, Document.id == Dispatch.document_id)
                           .where(Dispatch.case_id == record.id).order_by(Dispatch.created_at, Dispatch.id))
    out = []
    for dispatch, document in rows:
        st = status(session, dispatch)
        sent = _sent_on(st, dispatch.jurisdiction)
        if sent is None:
            continue  # a draft: nothing was sent yet
        effect = st.legal_effect
        delivered = (effect.effective_at.astimezone(LEGAL_ZONES[dispatch.jurisdiction]).date()
                     if effect is not None and effect.effective_at is not None else None)
        out.append(SentLetter(str(dispatch.id), str(document.id), DocumentKind(document.kind) if document.kind else None,
                              dispatch.channel, sent, st.state.value, delivered, effect.rule if effect else None,
                              st.deadline_at))
    return out


def _sent_on(st: RecipientStatus, jurisdiction: str) -> dt.date | None:
    times = [e.occurred_at for e in st.events if e.type in SENT_EVENTS and e.trusted]
    return min(times).astimezone(LEGAL_ZONES[jurisdiction]).date() if times else None


def _action(a: Any) -> dict[str, Any]:
    out = {"date": a.occurred_on.isoformat(), "type": a.type}
    out.update({k: v for k, v in (("description", a.description), ("outcome", a.outcome), ("channel", a.channel),
                                  ("reference", a.reference)) if v})
    return out


def _letter_action(sent: SentLetter, at: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = {
        "date": sent.sent_on.isoformat(),
        "type": (ActionType.legal_notice if sent.kind is DocumentKind.legal_notice else ActionType.letter).value,
        "channel": sent.channel, "evidence": f"dispatch {sent.dispatch_id}",
    }
    if sent.kind is not None:
        out["document_kind"] = sent.kind.value
    if sent.delivered_on is not None and sent.delivered_on <= at:
        out.update(delivered_on=sent.delivered_on.isoformat(), delivery_rule=sent.rule)
    return out
