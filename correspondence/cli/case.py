"""CLI: `correspondence case ...`, the casework on the embedded store (SQLite under $CORRESPONDENCE_HOME).

The same use cases as the HTTP API, for one local tenant (`--tenant`, default "local"): open a case from a
case file, record payments and actions, render the next document from the case as it stands, see the
figures, the next step and the work list.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator, Optional

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InputError
from ..model import ActionType, DeliveryChannel, DocumentKind, Tone
from ..model.base import decimal_places

console = Console(highlight=False)
case_app = typer.Typer(help="Casework on the embedded store: open, pay, log, render, next step, work list.",
                       no_args_is_help=True)
TENANT = typer.Option("local", "--tenant", help="Tenant the cases belong to")


@contextmanager
def _session(tenant: str) -> Iterator[tuple[Any, Session, uuid.UUID]]:
    from ..store import Store
    from ..store.apikeys import get_or_create_tenant

    store = Store.open()
    try:
        with store.session() as session:
            tenant_id = get_or_create_tenant(session, tenant).id
            session.commit()
            yield store, session, tenant_id
    finally:
        store.close()


def _case_id(session: Session, tenant_id: uuid.UUID, ref: str) -> uuid.UUID:
    """A case id, or the case's reference (e.g. PR-2026/0147) when it names exactly one case."""
    try:
        return uuid.UUID(ref)
    except ValueError:
        pass
    from ..store.models import CaseRecord

    ids = list(session.scalars(select(CaseRecord.id).where(CaseRecord.tenant_id == tenant_id,
                                                           CaseRecord.reference == ref).limit(2)))
    if len(ids) != 1:
        raise InputError("case", f"'{ref}' is not a case id{' or a unique reference' if ids else ' or reference'}")
    return ids[0]


def _date(value: Optional[str], field: str) -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"'{value}' is not an ISO date (YYYY-MM-DD)") from None


@case_app.command("add")
def add(case_file: Path = typer.Argument(..., help="Case file (YAML or JSON)"), tenant: str = TENANT) -> None:
    """Open a case from a case file; prints its id."""
    from ..casefile import load_case
    from ..casework import cases

    case = load_case(case_file)
    with _session(tenant) as (_, session, tenant_id):
        record, _ = cases.open_case(session, tenant_id, case)
        typer.echo(str(record.id))


@case_app.command("amend")
def amend(case: str = typer.Argument(..., help="Case id or reference"),
          patch_file: Path = typer.Argument(..., help="Merge patch (YAML or JSON) of the fields to change"),
          reason: Optional[str] = typer.Option(None, "--reason"), tenant: str = TENANT) -> None:
    """Amend a case (RFC 7396 merge patch): a new version; documents keep the version they were made from."""
    from ..casefile import read_case_file
    from ..casework import cases

    patch = read_case_file(patch_file)
    with _session(tenant) as (_, session, tenant_id):
        record = cases.amend_case(session, tenant_id, _case_id(session, tenant_id, case), patch, reason=reason)
        console.print(f"case {record.id} is now at version {record.version}")


@case_app.command("show")
def show(case: str = typer.Argument(..., help="Case id or reference"),
         at: Optional[str] = typer.Option(None, "--at", help="Date (YYYY-MM-DD); default today"),
         as_json: bool = typer.Option(False, "--json"), tenant: str = TENANT) -> None:
    """The case as it stands: figures, prescription and next step."""
    from ..casework import cases
    from ..casework.steps import next_step

    with _session(tenant) as (_, session, tenant_id):
        record, standing = cases.case_standing(session, tenant_id, _case_id(session, tenant_id, case),
                                               _date(at, "--at"))
        s, p, step = standing.statement, standing.prescription, next_step(standing)
        figures = {k: str(getattr(s, k)) for k in ("principal", "payments_total", "principal_outstanding",
                                                   "interest", "compensation", "costs", "total_due")}
        data: dict[str, Any] = {"id": str(record.id), "reference": record.reference, "debtor": record.debtor_name,
                "version": record.version, "at": standing.at.isoformat(),
                "figures": figures,
                "prescription": {"date": p.date.isoformat(), "status": p.status, "article": p.article,
                                 "interrupted": p.interrupted},
                "next": {"phase": step.phase, "step": step.step, "due": step.due.isoformat() if step.due else None,
                         "overdue": step.overdue, "summary": step.summary}}
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{data['reference'] or data['id']} — {data['debtor']} (version {data['version']}, "
                        f"at {data['at']})")
    table.add_column("figure")
    table.add_column("EUR", justify="right")
    for name, value in figures.items():
        table.add_row(name.replace("_", " "), value)
    console.print(table)
    console.print(f"prescription: {p.date.isoformat()} ({p.article}, {p.status})")
    _print_next(step)


@case_app.command("pay")
def pay(case: str = typer.Argument(..., help="Case id or reference"),
        date: str = typer.Option(..., "--date", help="Date received (YYYY-MM-DD)"),
        amount: str = typer.Option(..., "--amount", help="Amount received, e.g. 300.00"),
        reference: Optional[str] = typer.Option(None, "--reference"),
        invoice: Optional[str] = typer.Option(None, "--invoice", help="Invoice the debtor paid"),
        tenant: str = TENANT) -> None:
    """Record a payment received (refused when larger than what was owed that day)."""
    from ..casework import cases

    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise InputError("--amount", f"'{amount}' is not a decimal amount (use a dot: 300.00)") from None
    if not value.is_finite() or decimal_places(value) > 2:
        raise InputError("--amount", "must be a finite amount with at most two decimals")
    paid_on = _date(date, "--date")
    assert paid_on is not None
    with _session(tenant) as (_, session, tenant_id):
        payment = cases.record_payment(session, tenant_id, _case_id(session, tenant_id, case), paid_on=paid_on,
                                       amount=value, reference=reference, invoice=invoice)
        console.print(f"payment {payment.id} of EUR {payment.amount} on {payment.paid_on.isoformat()} recorded")


@case_app.command("log")
def log(case: str = typer.Argument(..., help="Case id or reference"),
        type: ActionType = typer.Option(..., "--type", help="What was done"),
        date: Optional[str] = typer.Option(None, "--date", help="When (YYYY-MM-DD); default today"),
        outcome: Optional[str] = typer.Option(None, "--outcome"),
        description: Optional[str] = typer.Option(None, "--description"),
        channel: Optional[str] = typer.Option(None, "--channel", help="For a letter sent elsewhere: how"),
        tenant: str = TENANT) -> None:
    """Record an action on the case (call, visit, tracing, data check...)."""
    from ..casework import cases
    from ..casework.standing import today_in

    with _session(tenant) as (_, session, tenant_id):
        case_id = _case_id(session, tenant_id, case)
        record = cases.find_case(session, tenant_id, case_id)
        when = _date(date, "--date") or today_in(record.jurisdiction)
        action = cases.record_action(session, tenant_id, case_id, occurred_on=when, type=type, outcome=outcome,
                                     description=description, channel=channel)
        console.print(f"{action.type.replace('_', ' ')} on {action.occurred_on.isoformat()} recorded")


@case_app.command("render")
def render(case: str = typer.Argument(..., help="Case id or reference"),
           output: Path = typer.Option(..., "-o", "--output", help="Output file (.pdf or .docx)"),
           kind: Optional[DocumentKind] = typer.Option(None, "--kind"),
           tone: Optional[Tone] = typer.Option(None, "--tone"),
           date: Optional[str] = typer.Option(None, "--date", help="Letter date (YYYY-MM-DD); default today"),
           deadline_days: Optional[int] = typer.Option(None, "--deadline-days"),
           delivery: Optional[DeliveryChannel] = typer.Option(None, "--delivery"),
           sign: bool = typer.Option(False, "--sign", help="Sign the PDF with the service's key (demo certificate "
                                                           "unless CORRESPONDENCE_SIGNING_P12 is set)"),
           level: str = typer.Option("B-B", "--level", help="PAdES level"),
           strict: bool = typer.Option(False, "--strict", help="Refuse when a rate used is not marked verified"),
           tenant: str = TENANT) -> None:
    """Render the next document from the case as it stands, store it, and write it to OUTPUT."""
    from ..casework.documents import render_document
    from ..casework.standing import DocumentRequest
    from ..files import write_atomic
    from ..pipeline import server_signing
    from .render import _format_for

    fmt = _format_for(output, None)
    request = DocumentRequest(kind=kind, tone=tone, date=_date(date, "--date"), deadline_days=deadline_days,
                              delivery=delivery)
    with _session(tenant) as (store, session, tenant_id):
        produced = render_document(session, store.blobs, tenant_id, _case_id(session, tenant_id, case), request, fmt,
                                   signing=server_signing(level) if sign else None, strict=strict)
        doc = produced.document
        for warning in (doc.made_from or {}).get("warnings", []):
            Console(stderr=True).print(f"warning: {warning}", highlight=False)
        write_atomic(output, store.blobs.read_verified(doc.sha256))
        console.print(f"wrote {output} ({doc.size:,} bytes, {doc.kind}, case version {doc.case_version}, "
                      f"total due EUR {produced.standing.statement.total_due}); stored as document {doc.id}")


@case_app.command("report")
def report(case: str = typer.Argument(..., help="Case id or reference"),
           output: Path = typer.Option(..., "-o", "--output", help="Output file (.pdf or .docx)"),
           year_end: Optional[str] = typer.Option(None, "--year-end", help="Tax year-end the grounds are tested at"),
           date: Optional[str] = typer.Option(None, "--date", help="Report date (YYYY-MM-DD); default today"),
           tenant: str = TENANT) -> None:
    """Write the uncollectability report of the case as it stands: grounds from the evidence, cost/benefit,
    and (PDF/A-3) every dispatched document and receipt embedded with its SHA-256."""
    from ..casework.reports import produce_report
    from ..files import write_atomic
    from .render import _format_for

    fmt = _format_for(output, None)
    with _session(tenant) as (store, session, tenant_id):
        produced = produce_report(session, store.blobs, tenant_id, _case_id(session, tenant_id, case), fmt,
                                  year_end=_date(year_end, "--year-end"), date=_date(date, "--date"))
        write_atomic(output, produced.data)
        console.print(f"wrote {output} ({len(produced.data):,} bytes, {produced.annexes} annexes)")


@case_app.command("next")
def next_(case: str = typer.Argument(..., help="Case id or reference"),
          at: Optional[str] = typer.Option(None, "--at", help="Date (YYYY-MM-DD); default today"),
          tenant: str = TENANT) -> None:
    """Which phase the case is in and what is due next."""
    from ..casework import cases
    from ..casework.steps import next_step

    with _session(tenant) as (_, session, tenant_id):
        _, standing = cases.case_standing(session, tenant_id, _case_id(session, tenant_id, case), _date(at, "--at"))
        _print_next(next_step(standing))


@case_app.command("list")
def list_(due: Optional[str] = typer.Option(None, "--due", help="Only cases whose next step is due by this date"),
          tenant: str = TENANT) -> None:
    """The tenant's cases, or with --due the work list (overdue first)."""
    from ..casework import cases
    from ..store import cases as case_store

    table = Table()
    for column in ("id", "reference", "debtor", *(("next step", "due") if due else ())):
        table.add_column(column)
    with _session(tenant) as (_, session, tenant_id):
        day = _date(due, "--due")
        if day is not None:
            for record, _, step in cases.cases_due(session, tenant_id, day):
                table.add_row(str(record.id), record.reference or "", record.debtor_name, step.step,
                              step.due.isoformat() if step.due else "")
        else:
            for record in case_store.list_cases(session, tenant_id, limit=500):
                table.add_row(str(record.id), record.reference or "", record.debtor_name)
    console.print(table)


def _print_next(step: Any) -> None:
    due = f", due {step.due.isoformat()}" + (" (overdue)" if step.overdue else "") if step.due else ""
    console.print(f"phase: {step.phase}; next: {step.step}{due}")
    console.print(step.summary)
    for warning in step.warnings:
        console.print(f"warning: {warning}")


def register(app: typer.Typer) -> None:
    app.add_typer(case_app, name="case")
