"""Logging: one logger per module (``logging.getLogger(__name__)``), all under ``correspondence``.

The library only logs; the faces configure. `configure(level)` gives the ``correspondence`` logger one
handler on stderr whose lines carry the request id of the API request being served (``-`` elsewhere). Levels:
DEBUG what a step decided, INFO one line per API request and per PEC sent or collected, WARNING what a
user or operator should look at (a rate missing, a mailbox that failed), ERROR a failure of ours or of the
configuration, with its traceback. Nothing logged carries a secret: API keys, passwords, PINs and the
server key are never put in a message (URLs are logged without their credentials).
"""
from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from typing import Union

ROOT = "correspondence"
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
request_id: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `configure` installs: writes to the current ``sys.stderr`` (told apart from handlers the
    embedding application adds)."""

    @property
    def stream(self):  # type: ignore[no-untyped-def]
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def configure(level: Union[str, int, None] = None, *, default: str = "WARNING") -> None:
    """Log ``correspondence.*`` at `level` (default `default`) on stderr, once per process."""
    logger = logging.getLogger(ROOT)
    if not any(isinstance(h, _Handler) for h in logger.handlers):
        handler = _Handler()
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
    logger.setLevel(level.upper() if isinstance(level, str) else (level or default))
