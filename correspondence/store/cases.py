"""Cases, their versions, and the payments and actions recorded on them after they were opened (append-only).

Persistence only: the rules (what may be recorded, what a case owes) live in `correspondence.casework`."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Mapping, Optional

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..casefile import build_case
from ..errors import InputError
from ..model import Case
from ..model.enums import ActionType
from ..model.limits import MAX_ACTIONS, MAX_PAYMENTS
from .idempotency import IdempotencyKey, remember, replayed
from .models import ActionRecord, CaseRecord, CaseVersion, PaymentRecord


def create_case(session: Session, tenant_id: uuid.UUID, data: Mapping[str, Any] | Case) -> CaseRecord:
    """Validate `data` as a `Case` (InputError on any problem) and store its canonical JSON form."""
    return create_case_once(session, tenant_id, data, None)[0]


def canonical(case: Case) -> dict[str, Any]:
    """The JSON form a case is stored in (what `Case.model_validate` reads back). A case naming a brand keeps
    only the brand fields it set itself: the brand gives the others (a default colour or an empty letterhead
    written here would otherwise be laid over the tenant's brand)."""
    data: dict[str, Any] = case.model_dump(mode="json", exclude_none=True)
    if case.brand.ref:
        data["brand"] = case.brand.model_dump(mode="json", exclude_none=True, exclude_unset=True)
    return data


def create_case_once(session: Session, tenant_id: uuid.UUID, data: Mapping[str, Any] | Case,
                     idem: IdempotencyKey | None) -> tuple[CaseRecord, bool]:
    """`create_case` honouring an idempotency key: (record, created). Version 1 is stored beside the case."""
    case = data if isinstance(data, Case) else build_case(data)
    if case.brand.logo or case.brand.asset_names():
        # A logo is a path on the server's disk: never let an API client choose which file is read.
        field = next(iter(case.brand.asset_names()), "logo")
        raise InputError(f"brand.{field}", "files cannot be set in a case through the API; upload a brand "
                                          "(POST /v1/brands) and name it with brand.ref")
    earlier = replayed(session, tenant_id, idem, "case")
    if earlier is not None:
        return session.get(CaseRecord, earlier), False  # type: ignore[return-value]
    stored = canonical(case)
    record = CaseRecord(
        tenant_id=tenant_id, reference=case.reference, debtor_name=case.debtor.name,
        jurisdiction=case.jurisdiction.value if case.jurisdiction else "IT", data=stored, version=1,
    )
    session.add(record)
    try:
        session.flush()
        session.add(CaseVersion(tenant_id=tenant_id, case_id=record.id, version=1, data=stored, reason="opened"))
        remember(session, tenant_id, idem, "case", record.id)
        session.commit()
    except IntegrityError:  # the same key committed by a concurrent request
        session.rollback()
        earlier = replayed(session, tenant_id, idem, "case")
        if earlier is None:
            raise
        return session.get(CaseRecord, earlier), False  # type: ignore[return-value]
    return record, True


def add_version(session: Session, record: CaseRecord, case: Case, reason: str | None) -> CaseVersion:
    """Append a new version of the case data and make it current (flushed, not committed). Earlier versions
    stay as they were: documents made from them keep pointing at them. Callers lock the case first."""
    stored = canonical(case)
    version = CaseVersion(tenant_id=record.tenant_id, case_id=record.id, version=record.version + 1, data=stored,
                          reason=reason)
    record.version = version.version
    record.data = stored
    record.reference = case.reference
    record.debtor_name = case.debtor.name
    record.jurisdiction = case.jurisdiction.value if case.jurisdiction else record.jurisdiction
    session.add(version)
    session.flush()
    return version


def lock_case(session: Session, record: CaseRecord) -> None:
    """Serialise writers of one case: a no-op update takes the row lock (PostgreSQL) or the write lock
    (SQLite), so a check made afterwards (e.g. the amount still owed) sees every committed payment."""
    session.execute(update(CaseRecord).where(CaseRecord.id == record.id).values(version=CaseRecord.version))
    session.refresh(record)


def versions(session: Session, record: CaseRecord) -> list[CaseVersion]:
    return list(session.scalars(select(CaseVersion).where(CaseVersion.case_id == record.id)
                                .order_by(CaseVersion.version)))


def version_data(session: Session, record: CaseRecord, version: int) -> dict[str, Any] | None:
    row = session.scalar(select(CaseVersion).where(CaseVersion.case_id == record.id, CaseVersion.version == version))
    return row.data if row is not None else None


def get_case(session: Session, tenant_id: uuid.UUID, case_id: uuid.UUID) -> Optional[CaseRecord]:
    """The case if it exists *and* belongs to the tenant; otherwise None (callers answer 404 either way)."""
    return session.scalar(select(CaseRecord).where(CaseRecord.id == case_id, CaseRecord.tenant_id == tenant_id))


def list_cases(session: Session, tenant_id: uuid.UUID, *, limit: int = 50, offset: int = 0) -> list[CaseRecord]:
    stmt = (select(CaseRecord).where(CaseRecord.tenant_id == tenant_id)
            .order_by(CaseRecord.created_at, CaseRecord.id).limit(limit).offset(offset))
    return list(session.scalars(stmt))


def case_model(record: CaseRecord) -> Case:
    """The current version of the case data as filed (without what was recorded since: see casework)."""
    return Case.model_validate(record.data)


def add_payment(session: Session, record: CaseRecord, *, paid_on: dt.date, amount: Decimal,
                reference: str | None = None, invoice: str | None = None) -> PaymentRecord:
    """Append a payment (flushed, not committed: the casework use case owns the transaction)."""
    _check_room(session, PaymentRecord, record, MAX_PAYMENTS, "payments")
    payment = PaymentRecord(tenant_id=record.tenant_id, case_id=record.id, paid_on=paid_on, amount=amount,
                            reference=reference, invoice=invoice)
    session.add(payment)
    session.flush()
    return payment


def add_action(session: Session, record: CaseRecord, *, occurred_on: dt.date, type: ActionType,
               description: str | None = None, outcome: str | None = None, channel: str | None = None,
               reference: str | None = None, search: str | None = None, result: str | None = None,
               assets_value: Decimal | None = None) -> ActionRecord:
    """Append an action (flushed, not committed: the casework use case owns the transaction)."""
    _check_room(session, ActionRecord, record, MAX_ACTIONS, "actions")
    action = ActionRecord(tenant_id=record.tenant_id, case_id=record.id, occurred_on=occurred_on, type=type.value,
                          description=description, outcome=outcome, channel=channel, reference=reference,
                          search=search, result=result, assets_value=assets_value)
    session.add(action)
    session.flush()
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
