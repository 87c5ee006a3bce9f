"""CLI commands: `pec send DISPATCH_ID`, `pec poll` (one collection pass; `pec collect` is the same, with
`--every SECONDS` as a worker loop) and `pec watch` (IMAP IDLE, reconnecting with backoff, stopped cleanly
by SIGTERM or Ctrl-C).

The mailbox comes from CORRESPONDENCE_PEC_ADDRESS / _SMTP_URL / _IMAP_URL when set, otherwise from the
one the tenant stored through the API.
"""
from __future__ import annotations

import signal
import time
import uuid
from typing import TYPE_CHECKING, Optional

import typer

from ..errors import InputError

if TYPE_CHECKING:
    from ..casework.collection import CollectReport
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
    from ..casework.collection import collect as collect_one, collect_all
    from ..casework.mailboxes import pec_mailbox
    from ..dispatch.mailbox import mailbox_from_env

    store = _store()
    try:
        if tenant is None and mailbox_from_env() is not None:
            raise InputError("--tenant", "is required with the CORRESPONDENCE_PEC_* variables (whose receipts?)")
        while True:
            if tenant is not None:
                tenant_id = _tenant_id(store, tenant)
                with store.session() as session:
                    mailbox = pec_mailbox(session, tenant_id, use_env=True)
                _show(tenant, collect_one(store, tenant_id, mailbox))
            else:
                for tid, report in collect_all(store).items():
                    _show(str(tid), report)
            if every is None:
                return
            time.sleep(every)
    finally:
        store.close()


def _show(label: str, report: CollectReport | str) -> None:
    if isinstance(report, str):
        typer.echo(f"{label}: failed: {report}", err=True)
        return
    s = report.summary
    typer.echo(f"{label}: {s['matched']} matched, {s['flagged']} flagged, {s['unmatched']} unmatched")
    for item in report.items:
        if item.outcome != "matched":
            typer.echo(f"  {item.outcome} message {item.uid} ({item.kind}): {item.reason}")


def poll(
    tenant: Optional[str] = typer.Option(None, "--tenant", help="Only this tenant (needed with the "
                                                                "CORRESPONDENCE_PEC_* variables)"),
) -> None:
    """One collection pass: attach the waiting PEC receipts, move them to the processed folder, list the
    ones that match nothing (they stay in the mailbox)."""
    collect(tenant=tenant, every=None)


def watch(
    tenant: str = typer.Option(..., "--tenant", help="The tenant whose mailbox to watch"),
    idle: float = typer.Option(300.0, "--idle", min=1, max=29 * 60,
                               help="Seconds of IMAP IDLE before a pass anyway (RFC 2177: under 29 min)"),
    max_backoff: float = typer.Option(300.0, "--max-backoff", min=1, help="Longest wait between reconnections"),
) -> None:
    """Collect receipts as they arrive (IMAP IDLE): a pass, then wait for the server to announce new mail.
    A dropped connection is retried with exponential backoff; SIGTERM or Ctrl-C stops cleanly."""
    from ..casework.mailboxes import pec_mailbox
    from ..casework.watching import Backoff, Watcher, watch as run_watch

    store = _store()
    watcher = Watcher()

    def stop(signum: int, frame: object) -> None:
        watcher.request_stop()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        tenant_id = _tenant_id(store, tenant)
        with store.session() as session:
            mailbox = pec_mailbox(session, tenant_id, use_env=True)
        typer.echo(f"watching {mailbox.imap.url} for {tenant} (Ctrl-C to stop)")
        run_watch(store, tenant_id, mailbox, watcher, idle_seconds=idle, backoff=Backoff(maximum=max_backoff),
                  on_report=lambda report: _show(tenant, report),
                  on_error=lambda exc, delay: typer.echo(f"{tenant}: {exc}; retrying in {delay:.0f} s", err=True))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        store.close()
    typer.echo(f"stopped after {watcher.passes} pass(es)")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    pec = typer.Typer(help="PEC: send dispatches and collect their receipts from the mailbox.",
                      no_args_is_help=True)
    pec.command("send")(send)
    pec.command("collect")(collect)
    pec.command("poll")(poll)
    pec.command("watch")(watch)
    app.add_typer(pec, name="pec")
