"""Use case: watch a PEC mailbox, collecting receipts as they arrive (IMAP IDLE, RFC 2177).

One connection is kept open: a collection pass (`collection.collect_from`), then IDLE until the server
announces a change (or a few minutes pass, to notice a silently dead connection), then another pass. A
dropped connection, a refused login or an unreachable server is retried with exponential backoff; the
receipts are never lost meanwhile, they wait in the mailbox. `Watcher.request_stop` (from SIGTERM/Ctrl-C)
ends the watch at once while idle and after the current receipt otherwise, so a stop never leaves a
receipt stored but unmoved for longer than the next pass.
"""
from __future__ import annotations

import logging
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from typing import Callable

from ..dispatch.inbox import Inbox
from ..dispatch.mailbox import MailServerError, PecMailbox, tls_context
from ..dispatch.providers import TrustList
from ..store import Store
from .collection import CollectReport, collect_from

log = logging.getLogger(__name__)


class Stopped(BaseException):
    """Raised inside the IDLE wait to end the watch (BaseException: no fault handler swallows it)."""


@dataclass
class Backoff:
    """Seconds to wait before reconnecting: first, then times factor, at most maximum."""

    first: float = 1.0
    factor: float = 2.0
    maximum: float = 300.0

    def delays(self) -> "BackoffState":
        return BackoffState(self)


@dataclass
class BackoffState:
    policy: Backoff
    current: float = 0.0

    def next(self) -> float:
        self.current = self.policy.first if not self.current else min(self.current * self.policy.factor,
                                                                       self.policy.maximum)
        return self.current

    def reset(self) -> None:
        self.current = 0.0


@dataclass
class Watcher:
    """A running watch: stop it from a signal handler or another thread with `request_stop`."""

    stop: threading.Event = field(default_factory=threading.Event)
    idling: bool = False
    passes: int = 0
    owner: int | None = None  # the thread running the watch

    def request_stop(self) -> None:
        """Stop: at once when called in the watching thread (a signal handler) while it waits, otherwise
        once the current wait is over."""
        self.stop.set()
        if self.idling and threading.get_ident() == self.owner:
            self.idling = False
            raise Stopped()


def watch(store: Store, tenant_id: uuid.UUID, mailbox: PecMailbox, watcher: Watcher, *,
          context: ssl.SSLContext | None = None, trust: TrustList | None = None, idle_seconds: float = 300.0,
          backoff: Backoff | None = None, on_report: Callable[[CollectReport], None] | None = None,
          on_error: Callable[[MailServerError, float], None] | None = None) -> None:
    """Collect `mailbox` until `watcher` is stopped: pass, IDLE, pass... reconnecting with backoff."""
    context = context or tls_context()
    watcher.owner = threading.get_ident()
    delays = (backoff or Backoff()).delays()
    try:
        while not watcher.stop.is_set():
            try:
                with Inbox(mailbox.imap, context) as inbox:
                    while not watcher.stop.is_set():
                        report = collect_from(store, tenant_id, inbox, mailbox.processed_folder, trust=trust)
                        watcher.passes += 1
                        delays.reset()
                        if on_report is not None:
                            on_report(report)
                        if watcher.stop.is_set():
                            break
                        watcher.idling = True
                        try:
                            inbox.wait_for_news(idle_seconds)
                        finally:
                            watcher.idling = False
            except MailServerError as exc:
                delay = delays.next()
                log.warning("PEC watch of tenant %s: %s; retrying in %.0f s", tenant_id, exc, delay)
                if on_error is not None:
                    on_error(exc, delay)
                watcher.idling = True
                try:
                    watcher.stop.wait(delay)
                finally:
                    watcher.idling = False
    except Stopped:
        pass
