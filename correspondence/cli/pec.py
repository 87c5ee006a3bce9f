"""CLI commands: `pec send DISPATCH_ID` and `pec collect` (one pass, or `--every SECONDS` as a worker).

The mailbox comes from CORRESPONDENCE_PEC_ADDRESS / _SMTP_URL / _IMAP_URL when set, otherwise from the
one the tenant stored through the API.
"""
from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Optional

import typer

from ..errors import InputError

if TYPE_CHECKING:
    from ..store import Store


def _store() -> Store:  # imported lazily to keep `--help` fast
    from ..store import Store, StoreSettings

    return Store.open(StoreSettings.from_env())


def _tenant_id(store: Store, name: str) -> uuid.UUID:
    from sqlalchemy import select

    from ..store.models import Tenant

    with store.session() as session:
        tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is None:
        raise InputError("--tenant", f"no tenant named {name!r}")
    return tenant.id


def send(
    dispatch_id: str = typer.Argument(..., help="The dispatch to send (its Message-ID is used)"),
    p7m: Optional[str] = typer.Option(None, "--p7m", help="Id of a stored .p7m document to attach too"),
) -> None:
    """Submit a PEC dispatch's document by SMTP, to every recipient sharing its Message-ID (never twice)."""
    from ..casework.mailboxes import pec_mailbox
    from ..casework.submission import send_dispatch
    from ..store.models import Dispatch

    def uid(field: str, value: str) -> uuid.UUID:
        try:
            return uuid.UUID(value)
        except ValueError:
            raise InputError(field, "must be a dispatch/document id (UUID)") from None

    store = _store()
    try:
        with store.session() as session:
            dispatch = session.get(Dispatch, uid("DISPATCH_ID", dispatch_id))
            if dispatch is None:
                raise InputError("DISPATCH_ID", "no such dispatch")
            tenant_id = dispatch.tenant_id
            mailbox = pec_mailbox(session, tenant_id, use_env=True)
        result = send_dispatch(store, tenant_id, dispatch.id, mailbox,
                               p7m_document_id=uid("--p7m", p7m) if p7m else None)
    finally:
        store.close()
    if result.already_sent:
        typer.echo(f"already sent: {result.message_id} to {', '.join(result.recipients)} (nothing sent again)")
    else:
        typer.echo(f"submitted {result.message_id} to {', '.join(result.recipients)}: {result.answer}")


def collect(
    tenant: Optional[str] = typer.Option(None, "--tenant", help="Only this tenant (needed with the "
                                                                "CORRESPONDENCE_PEC_* variables)"),
    every: Optional[float] = typer.Option(None, "--every", min=5, help="Repeat every SECONDS (a worker loop)"),
) -> None:
    """Attach the PEC receipts waiting in the mailbox to their dispatches and move them to the processed
    folder; receipts that match nothing stay and are listed."""
    from ..casework.collection import CollectReport, collect as collect_one, collect_all
    from ..casework.mailboxes import pec_mailbox
    from ..dispatch.mailbox import mailbox_from_env

    def show(label: str, report: CollectReport | str) -> None:
        if isinstance(report, str):
            typer.echo(f"{label}: failed: {report}", err=True)
            return
        s = report.summary
        typer.echo(f"{label}: {s['matched']} matched, {s['flagged']} flagged, {s['unmatched']} unmatched")
        for item in report.items:
            if item.outcome != "matched":
                typer.echo(f"  {item.outcome} message {item.uid} ({item.kind}): {item.reason}")

    store = _store()
    try:
        if tenant is None and mailbox_from_env() is not None:
            raise InputError("--tenant", "is required with the CORRESPONDENCE_PEC_* variables (whose receipts?)")
        while True:
            if tenant is not None:
                tenant_id = _tenant_id(store, tenant)
                with store.session() as session:
                    mailbox = pec_mailbox(session, tenant_id, use_env=True)
                show(tenant, collect_one(store, tenant_id, mailbox))
            else:
                for tid, report in collect_all(store).items():
                    show(str(tid), report)
            if every is None:
                return
            time.sleep(every)
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    pec = typer.Typer(help="PEC: send dispatches and collect their receipts from the mailbox.",
                      no_args_is_help=True)
    pec.command("send")(send)
    pec.command("collect")(collect)
    app.add_typer(pec, name="pec")
