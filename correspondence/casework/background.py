"""The periodic work of the service: collect every stored PEC mailbox, notice expired deadlines, send due
webhook deliveries. It runs inside `correspondence serve` (a thread started by the app lifespan) or as
its own process (`correspondence background`); running it in two places at once is safe: receipts are
attached once, and a webhook delivery is claimed by one runner before it is sent (`webhook_delivery`).

``CORRESPONDENCE_BACKGROUND_EVERY`` (seconds between rounds; 0 or unset: off) turns it on in the app;
`correspondence serve` sets it to 60 unless told otherwise.
"""
from __future__ import annotations

import logging
import threading
from typing import Mapping

from ..settings import Settings, resolve
from ..store import Store
from .collection import collect_all
from .webhook_delivery import deliver_due
from .webhooks import check_deadlines

log = logging.getLogger(__name__)
EVERY_ENV = "CORRESPONDENCE_BACKGROUND_EVERY"


def background_every(env: Settings | Mapping[str, str] | None = None) -> float:
    """Seconds between background rounds from CORRESPONDENCE_BACKGROUND_EVERY (0 = off)."""
    raw = (resolve(env).background_every or "0").strip()
    try:
        value = float(raw)
    except ValueError:
        from ..errors import InputError

        raise InputError(EVERY_ENV, f"must be a number of seconds, not {raw!r}") from None
    if value and value < 1:
        from ..errors import InputError

        raise InputError(EVERY_ENV, "must be 0 (off) or at least 1 second")
    return value


def run_round(store: Store) -> dict[str, object]:
    """One round: collect every mailbox, queue deadline.expired events, deliver what is due."""
    collected = collect_all(store)
    with store.session() as session:
        expired = check_deadlines(session)
    sent = deliver_due(store)
    return {"collected": len(collected), "deadline_events": expired, "webhooks": sent}


class Background:
    """A daemon thread running `run_round` every `every` seconds until `stop()`."""

    def __init__(self, store: Store, every: float) -> None:
        self.store, self.every = store, every
        self.stopping = threading.Event()
        self.rounds = 0
        self.thread = threading.Thread(target=self._run, name="correspondence-background", daemon=True)

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                run_round(self.store)
            except Exception:  # a round that fails (database down) must not end the service's background
                log.exception("background round failed; next in %.0f s", self.every)
            self.rounds += 1
            self.stopping.wait(self.every)

    def start(self) -> "Background":
        self.thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self.stopping.set()
        self.thread.join(timeout)
