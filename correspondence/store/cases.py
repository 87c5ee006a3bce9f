"""Cases, and the payments and actions recorded on them after they were opened (append-only)."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Mapping, Optional

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..casefile import build_case
from ..errors import InputError
from ..model import Case
from ..model.enums import ActionType
from ..model.limits import MAX_ACTIONS, MAX_PAYMENTS
from .idempotency import IdempotencyKey, remember, replayed
from .models import ActionRecord, CaseRecord, PaymentRecord


def create_case(session: Session, tenant_id: uuid.UUID, data: Mapping[str, Any] | Case) -> CaseRecord:
    """Validate `data` as a `Case` (InputError on any problem) and store its canonical JSON form."""
    return create_case_once(session, tenant_id, data, None)[0]


def create_case_once(session: Session, tenant_id: uuid.UUID, data: Mapping[str, Any] | Case,
                     idem: IdempotencyKey | None) -> tuple[CaseRecord, bool]:
    """`create_case` honouring an idempotency key: (record, created)."""
    case = data if isinstance(data, Case) else build_case(data)
    if case.brand.logo:
        # A logo is a path on the server's disk: never let an API client choose which file is read.
        raise InputError("brand.logo", "logos cannot be set through the API")
    earlier = replayed(session, tenant_id, idem, "case")
    if earlier is not None:
        return session.get(CaseRecord, earlier), False  # type: ignore[return-value]
    record = CaseRecord(
        tenant_id=tenant_id, reference=case.reference, debtor_name=case.debtor.name,
        jurisdiction=case.jurisdiction.value if case.jurisdiction else "IT",
        data=case.model_dump(mode="json", exclude_none=True),
    )
    session.add(record)
    try:
        session.flush()
        remember(session, tenant_id, idem, "case", record.id)
        session.commit()
    except IntegrityError:  # the same key committed by a concurrent request
        session.rollback()
        earlier = replayed(session, tenant_id, idem, "case")
        if earlier is None:
            raise
        return session.get(CaseRecord, earlier), False  # type: ignore[return-value]
    return record, True


def get_case(session: Session, tenant_id: uuid.UUID, case_id: uuid.UUID) -> Optional[CaseRecord]:
    """The case if it exists *and* belongs to the tenant; otherwise None (callers answer 404 either way)."""
    return session.scalar(select(CaseRecord).where(CaseRecord.id == case_id, CaseRecord.tenant_id == tenant_id))


def list_cases(session: Session, tenant_id: uuid.UUID, *, limit: int = 50, offset: int = 0) -> list[CaseRecord]:
    stmt = (select(CaseRecord).where(CaseRecord.tenant_id == tenant_id)
            .order_by(CaseRecord.created_at, CaseRecord.id).limit(limit).offset(offset))
    return list(session.scalars(stmt))


def case_model(record: CaseRecord) -> Case:
    return Case.model_validate(record.data)


def add_payment(session: Session, record: CaseRecord, *, paid_on: dt.date, amount: Decimal,
                reference: str | None = None) -> PaymentRecord:
    if amount <= 0:
        raise InputError("amount", "must be greater than zero")
    _check_room(session, PaymentRecord, record, MAX_PAYMENTS, "payments")
    payment = PaymentRecord(tenant_id=record.tenant_id, case_id=record.id, paid_on=paid_on, amount=amount,
                            reference=reference)
    session.add(payment)
    session.commit()
    return payment


def add_action(session: Session, record: CaseRecord, *, occurred_on: dt.date, type: ActionType,
               description: str | None = None, outcome: str | None = None) -> ActionRecord:
    _check_room(session, ActionRecord, record, MAX_ACTIONS, "actions")
    action = ActionRecord(tenant_id=record.tenant_id, case_id=record.id, occurred_on=occurred_on, type=type.value,
                          description=description, outcome=outcome)
    session.add(action)
    session.commit()
    return action


def _check_room(session: Session, table: type[PaymentRecord] | type[ActionRecord], record: CaseRecord,
                limit: int, what: str) -> None:
    """A case holds at most `limit` recorded payments (actions), besides those in its case file."""
    count = session.scalar(select(func.count()).select_from(table).where(table.case_id == record.id)) or 0
    if count >= limit:
        raise InputError(what, f"this case already holds {limit} recorded {what}, the most one case may hold")


def payments(session: Session, record: CaseRecord) -> list[PaymentRecord]:
    return list(session.scalars(select(PaymentRecord).where(PaymentRecord.case_id == record.id)
                                .order_by(PaymentRecord.paid_on, PaymentRecord.created_at)))


def actions(session: Session, record: CaseRecord) -> list[ActionRecord]:
    return list(session.scalars(select(ActionRecord).where(ActionRecord.case_id == record.id)
                                .order_by(ActionRecord.occurred_on, ActionRecord.created_at)))


def outstanding(session: Session, record: CaseRecord) -> Decimal:
    """Principal still unpaid: invoices minus payments in the case file minus payments recorded since."""
    case = case_model(record)
    later = session.scalar(select(func.coalesce(func.sum(PaymentRecord.amount), 0))
                           .where(PaymentRecord.case_id == record.id))
    return case.claim.principal - case.claim.paid - Decimal(later or 0)
