"""Use cases on the case itself: open it, amend it, record a payment or an action, see it as it stands.

Each function owns its transaction: it validates everything first, writes, and commits once, so a refusal
leaves nothing behind. The rules come from `figures/` (what is owed) and `model/` (what a case is).
"""
from __future__ import annotations

import datetime as dt
import uuid
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Iterator, Mapping

from sqlalchemy.orm import Session

from ..casefile import build_case
from ..errors import InputError, NotFound
from ..model import ActionType, Case
from ..model.tax import ActionResult, SearchKind
from ..store import cases as store
from ..store.idempotency import IdempotencyKey
from ..store.models import ActionRecord, CaseRecord, PaymentRecord
from .standing import Standing, fold, today_in
from .steps import NextStep, next_step

MAX_REASON = 300
MAX_SCAN = 10_000  # cases examined for a work list


@contextmanager
def transaction(session: Session) -> Iterator[None]:
    """The use case's own transaction: committed once at the end, rolled back whole on any error."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def find_case(session: Session, tenant_id: uuid.UUID, case_id: uuid.UUID) -> CaseRecord:
    """The tenant's case, or `NotFound` (another tenant's case is not found either)."""
    record = store.get_case(session, tenant_id, case_id)
    if record is None:
        raise NotFound("case")
    return record


def open_case(session: Session, tenant_id: uuid.UUID, data: Mapping[str, Any] | Case,
              idem: IdempotencyKey | None = None) -> tuple[CaseRecord, bool]:
    """Validate and store a new case (version 1): (record, created); a replayed Idempotency-Key gives back
    the case first created."""
    return store.create_case_once(session, tenant_id, data, idem)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch: objects merge key by key, `null` removes a key, anything else replaces."""
    if not isinstance(patch, Mapping):
        return patch
    out = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def amend_case(session: Session, tenant_id: uuid.UUID, case_id: uuid.UUID, patch: Mapping[str, Any], *,
               reason: str | None = None) -> CaseRecord:
    """Apply a merge patch to the case data as a new version (a new address after tracing, a corrected
    invoice). Nothing is overwritten: earlier versions stay, and documents keep the version they used.
    The result must be a valid case and must still hold the payments recorded since (their invoices)."""
    if not patch:
        raise InputError("body", "an amendment must change at least one field")
    if reason is not None and len(reason) > MAX_REASON:
        raise InputError("reason", f"at most {MAX_REASON} characters")
    record = find_case(session, tenant_id, case_id)
    with transaction(session):
        store.lock_case(session, record)
        amended = build_case(merge_patch(record.data, patch))
        if amended.brand.logo and amended.brand.logo != record.data.get("brand", {}).get("logo"):
            raise InputError("brand.logo", "logos cannot be set through an amendment")
        if set(amended.brand.asset_names()) - {"logo"}:  # files are a stored brand's (brand.ref), never a path
            raise InputError(f"brand.{next(iter(set(amended.brand.asset_names()) - {'logo'}))}",
                             "files cannot be set through an amendment; name a stored brand with brand.ref")
        if store.canonical(amended) == record.data:
            raise InputError("body", "the amendment changes nothing")
        fold(session, record, data=store.canonical(amended))  # recorded payments must still fit the case
        store.add_version(session, record, amended, reason)
    return record


def record_payment(session: Session, tenant_id: uuid.UUID, case_id: uuid.UUID, *, paid_on: dt.date,
                   amount: Decimal, reference: str | None = None, invoice: str | None = None) -> PaymentRecord:
    """Record a payment received. Refused when dated in the future, imputed to an invoice the case does not
    have, or larger than what the case owed that day (principal, interest, compensation and costs, after
    the payments already recorded): the answer says how much was owed. A payment dated after a letter's
    date is kept but does not appear in that letter."""
    if amount <= 0:
        raise InputError("amount", "must be greater than zero")
    record = find_case(session, tenant_id, case_id)
    if paid_on > today_in(record.jurisdiction):
        raise InputError("paid_on", f"{paid_on.isoformat()} is in the future")
    with transaction(session):
        store.lock_case(session, record)
        standing = fold(session, record, at=paid_on)
        if invoice is not None and invoice not in {i.number for i in standing.case.claim.invoices}:
            raise InputError("invoice", f"'{invoice}' is not one of the case's invoice numbers")
        owed = standing.statement.total_due
        if amount > owed:
            raise InputError("amount", f"{amount} is more than the {owed} EUR owed on {paid_on.isoformat()}")
        payment = store.add_payment(session, record, paid_on=paid_on, amount=amount, reference=reference,
                                    invoice=invoice)
    return payment


def record_action(session: Session, tenant_id: uuid.UUID, case_id: uuid.UUID, *, occurred_on: dt.date,
                  type: ActionType, description: str | None = None, outcome: str | None = None,
                  channel: str | None = None, reference: str | None = None, search: SearchKind | None = None,
                  result: ActionResult | None = None, assets_value: Decimal | None = None) -> ActionRecord:
    """Record a step taken on the case (call, visit, tracing, asset search...); not in the future. Searches
    say which register was searched and what it found: the uncollectability report rests on them."""
    record = find_case(session, tenant_id, case_id)
    if occurred_on > today_in(record.jurisdiction):
        raise InputError("occurred_on", f"{occurred_on.isoformat()} is in the future")
    with transaction(session):
        action = store.add_action(session, record, occurred_on=occurred_on, type=type, description=description,
                                  outcome=outcome, channel=channel, reference=reference,
                                  search=search.value if search else None, result=result.value if result else None,
                                  assets_value=assets_value)
    return action


def case_standing(session: Session, tenant_id: uuid.UUID, case_id: uuid.UUID,
                  at: dt.date | None = None) -> tuple[CaseRecord, Standing]:
    """The case and its figures as they stand at `at` (default today in the jurisdiction's time zone)."""
    record = find_case(session, tenant_id, case_id)
    return record, fold(session, record, at=at)


def still_owing(session: Session, record: CaseRecord, at: dt.date) -> bool:
    """Whether the case as it stands at `at` still owes anything (for work lists of overdue dispatches)."""
    return fold(session, record, at=at).statement.total_due > 0


def cases_due(session: Session, tenant_id: uuid.UUID, due: dt.date, *, at: dt.date | None = None,
              limit: int = 100, offset: int = 0) -> list[tuple[CaseRecord, Standing, NextStep]]:
    """Cases whose next step falls due on or before `due` (overdue first), each as it stands at `at`
    (default today in its jurisdiction). Settled cases and cases waiting for delivery are not listed."""
    rows = []
    for record in store.list_cases(session, tenant_id, limit=MAX_SCAN, offset=0):
        standing = fold(session, record, at=at)
        step = next_step(standing)
        if step.due is not None and step.due <= due and step.step != "close":
            rows.append((record, standing, step))
    rows.sort(key=lambda r: (r[2].due or dt.date.max, str(r[0].id)))
    return rows[offset:offset + limit]
