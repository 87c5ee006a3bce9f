"""The case as it stands now: stored data, payments, actions and dispatches folded into one `Case`.

Every document, every figure the API shows and the next-step answer are made from this fold, so the letter
and the service always agree. What the fold adds to the case as filed:
- payments recorded since the case was opened, up to the date asked (a later payment is recorded but does
  not appear in a letter dated before it);
- actions recorded since (calls, visits, tracing), up to that date;
- the latest payment plan or promise recorded and agreed by that date (it replaces the case file's `plan`);
  once signed it interrupts prescription (art. 2944 c.c., art. 1973 CC);
- every letter the service dispatched: an `Action` of type letter / legal_notice dated when it was handed
  to the channel, with its channel and, once the dispatch replay gives one, the date it took legal effect
  (the dispatch states the rule it applied: IT art. 1335 c.c., ES art. 1262 CC...). Only such a delivered
  letter interrupts
  prescription (IT art. 2943 c.4 c.c., ES art. 1973 CC); an undelivered one does not.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..casefile import build_case
from ..dispatch.legal import LEGAL_ZONES
from ..dispatch.model import EventType
from ..figures import Prescription, Statement, compute_statement, prescription
from ..model import Action, ActionType, Case, DeliveryChannel, DocumentKind, Payment, Plan, Tone
from ..store.models import ActionRecord, CaseRecord, Dispatch, Document, EventRecord, PaymentRecord, PlanRecord
from ..store.plans import case_plans

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
    """The folded case at `at`; its figures and prescription are computed on exactly that case, on first use."""

    case: Case
    at: dt.date
    version: int
    letters: tuple[SentLetter, ...] = field(default_factory=tuple)
    payments_recorded: int = 0
    actions_recorded: int = 0

    @cached_property
    def statement(self) -> Statement:
        return compute_statement(self.case, self.at)

    @cached_property
    def prescription(self) -> Prescription:
        return prescription(self.case, self.at)


def today_in(jurisdiction: str) -> dt.date:
    """Today's civil date where the case's law applies (a letter written at 00:30 in Rome is dated there)."""
    return dt.datetime.now(LEGAL_ZONES.get(jurisdiction, LEGAL_ZONES["IT"])).date()


def fold(session: Session, record: CaseRecord, *, at: dt.date | None = None,
         request: DocumentRequest | None = None, data: dict[str, Any] | None = None,
         plan_id: uuid.UUID | None = None) -> Standing:
    """The case as it stands at `at` (default: the request's letter date, else today).

    Without a request the case keeps its filed kind and letter date, and figures are computed at `at`; with
    one, the request's kind, tone, deadline and delivery apply and `at` becomes the letter date. Raises
    `InputError` when the result is not a valid case (e.g. an invoice not yet due at the letter date).
    `data` replaces the stored current version (used to check an amendment before it is written);
    `plan_id` folds that recorded plan instead of the latest.
    """
    at = at or (request.date if request and request.date else None) or today_in(record.jurisdiction)
    payments = [p for p in _payments(session, record) if p.paid_on <= at]
    actions = [a for a in _actions(session, record) if a.occurred_on <= at]
    letters = tuple(sent for sent in dispatched_letters(session, record) if sent.sent_on <= at)
    recorded_payments = [Payment(date=p.paid_on, amount=p.amount, reference=p.reference, invoice=p.invoice)
                         for p in payments]
    recorded_actions = [Action(date=a.occurred_on, type=ActionType(a.type), description=a.description,
                               outcome=a.outcome, channel=a.channel, reference=a.reference, search=a.search,
                               result=a.result, assets_value=a.assets_value) for a in actions]
    recorded_actions += [_letter_action(s, at) for s in letters]
    plan = recorded_plan(session, record, at, plan_id)
    if request is None and data is None:
        filed = filed_case(record.id, record.version, record.data)
        case = filed.model_copy(update={
            "claim": filed.claim.model_copy(update={"payments": [*filed.claim.payments, *recorded_payments]}),
            "actions": sorted([*filed.actions, *recorded_actions], key=lambda a: a.date),
            **({"plan": plan} if plan is not None else {})})
    else:  # a new letter or an amendment: the whole case is validated again with what changes
        base = dict(data if data is not None else record.data)
        dumped = [x.model_dump(mode="json", exclude_none=True) for x in recorded_payments]
        base["claim"] = {**base["claim"], "payments": [*base["claim"].get("payments", []), *dumped]}
        base["actions"] = sorted([*base.get("actions", []),
                                  *(a.model_dump(mode="json", exclude_none=True) for a in recorded_actions)],
                                 key=lambda a: a["date"])
        if plan is not None:
            base["plan"] = plan.model_dump(mode="json", exclude_none=True)
        if request is not None:
            if request.kind is not None and request.kind.value != base.get("kind") and request.deadline_days is None:
                base.pop("deadline_days", None)  # the new kind's default term applies
            base.update(request.overrides())
            base["date"] = at.isoformat()
        case = build_case(base)
    return Standing(case=case, at=at, version=record.version, letters=letters, payments_recorded=len(payments),
                    actions_recorded=len(actions))


def recorded_plan(session: Session, record: CaseRecord, at: dt.date, plan_id: uuid.UUID | None = None) -> Plan | None:
    """The latest plan or promise agreed by `at` (or the one asked), as it stood then: a signature dated
    after `at` does not count yet."""
    rows = [r for r in case_plans(session, record) if r.agreed_on <= at and (plan_id is None or r.id == plan_id)]
    return plan_as_of(rows[-1], at) if rows else None


def plan_as_of(row: PlanRecord, at: dt.date) -> Plan:
    """A recorded plan as it stood at `at`: a signature dated after `at` does not count yet."""
    plan = Plan.model_validate(row.data)
    if plan.signed_on is not None and plan.signed_on > at:
        plan = plan.model_copy(update={"signed_on": None})
    return plan


@lru_cache(maxsize=256)
def _filed(case_id: uuid.UUID, version: int, data: str) -> Case:
    return build_case(json.loads(data))


def filed_case(case_id: uuid.UUID, version: int, data: dict[str, Any]) -> Case:
    """The case data of one version, validated once per process (a version never changes)."""
    return _filed(case_id, version, json.dumps(data, sort_keys=True))


def _payments(session: Session, record: CaseRecord) -> list[Any]:
    return list(session.execute(select(PaymentRecord.paid_on, PaymentRecord.amount, PaymentRecord.reference,
                                       PaymentRecord.invoice).where(PaymentRecord.case_id == record.id)
                                .order_by(PaymentRecord.paid_on, PaymentRecord.created_at)))


def _actions(session: Session, record: CaseRecord) -> list[Any]:
    return list(session.execute(select(ActionRecord.occurred_on, ActionRecord.type, ActionRecord.description,
                                       ActionRecord.outcome, ActionRecord.channel, ActionRecord.reference,
                                       ActionRecord.search, ActionRecord.result, ActionRecord.assets_value)
                                .where(ActionRecord.case_id == record.id)
                                .order_by(ActionRecord.occurred_on, ActionRecord.created_at)))


def dispatched_letters(session: Session, record: CaseRecord) -> list[SentLetter]:
    """Every dispatch of the case that was handed to its channel, oldest first. State, legal effect and
    deadline come from the dispatch's cached replay (kept current by every event written); the date it was
    sent is its first trusted submission or acceptance event."""
    sent_at = func.min(EventRecord.occurred_at).label("sent_at")
    first = (select(EventRecord.dispatch_id, sent_at)
             .where(EventRecord.tenant_id == record.tenant_id, EventRecord.trusted.is_(True),
                    EventRecord.type.in_([t.value for t in SENT_EVENTS]))
             .group_by(EventRecord.dispatch_id).subquery())
    rows = session.execute(
        select(Dispatch.id, Dispatch.document_id, Dispatch.channel, Dispatch.state, Dispatch.jurisdiction,
               Dispatch.legal_effective_at, Dispatch.legal_rule, Dispatch.deadline_at, Document.kind, first.c.sent_at)
        .join(Document, Document.id == Dispatch.document_id).join(first, first.c.dispatch_id == Dispatch.id)
        .where(Dispatch.case_id == record.id).order_by(first.c.sent_at, Dispatch.id))
    out = []
    for row in rows:
        zone = LEGAL_ZONES[row.jurisdiction]
        sent = _aware(row.sent_at).astimezone(zone).date()
        delivered = _aware(row.legal_effective_at).astimezone(zone).date() if row.legal_effective_at else None
        out.append(SentLetter(str(row.id), str(row.document_id), DocumentKind(row.kind) if row.kind else None,
                              row.channel, sent, row.state, delivered, row.legal_rule, row.deadline_at))
    return out


def _aware(value: dt.datetime) -> dt.datetime:
    """Aggregates bypass the UTC column type on SQLite: re-attach UTC to naive values."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


def _letter_action(sent: SentLetter, at: dt.date) -> Action:
    delivered = sent.delivered_on is not None and sent.delivered_on <= at
    return Action(date=sent.sent_on,
                  type=ActionType.legal_notice if sent.kind is DocumentKind.legal_notice else ActionType.letter,
                  channel=sent.channel, evidence=f"dispatch {sent.dispatch_id}", document_kind=sent.kind,
                  delivered_on=sent.delivered_on if delivered else None, delivery_rule=sent.rule[:200] if delivered and sent.rule else None,
                  outcome=None if delivered else sent.state)
