"""CLI: `correspondence background`, the service's periodic work as its own process (PEC collection of every
stored mailbox, expired deadlines, webhook deliveries), stopped cleanly by SIGTERM or Ctrl-C."""
from __future__ import annotations

import signal
import threading

import typer


def background(
    every: float = typer.Option(60.0, "--every", min=1, help="Seconds between rounds"),
    once: bool = typer.Option(False, "--once", help="One round, then exit"),
) -> None:
    """Collect every stored PEC mailbox, notice expired deadlines and send due webhooks, every SECONDS."""
    from ..casework.background import run_round
    from ..store import Store, StoreSettings

    store = Store.open(StoreSettings.from_env())
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.is_set():
            result = run_round(store)
            typer.echo(f"round: {result['collected']} mailbox(es), {result['deadline_events']} deadline event(s), "
                       f"webhooks {result['webhooks']}")
            if once:
                break
            stop.wait(every)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        store.close()


def register(app: typer.Typer) -> None:
    """Add this module's command to the main app."""
    app.command("background")(background)
