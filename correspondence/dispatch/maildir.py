"""A local Maildir read like the IMAP inbox (`inbox.Inbox`): the same collection code runs on it.

Used by the demo, where the PEC simulator delivers into a Maildir on disk and no IMAP server is running.
Keys of the Maildir stand for IMAP UIDs; messages are read as stored (bytes) and moved to a sibling
Maildir folder (``.Processed``, the Maildir++ layout Dovecot uses).
"""
from __future__ import annotations

import mailbox
from pathlib import Path
from types import TracebackType
from typing import Iterable

from .inbox import WaitingReceipt
from .mailbox import MailServer, MailServerError

FIELD = "imap_url"


class MaildirInbox:
    """`Inbox` over the Maildir at `path` (created if missing)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.box = mailbox.Maildir(self.path, create=True)
        self.server = MailServer("maildir", "localhost", 0, folder="INBOX")

    def __enter__(self) -> "MaildirInbox":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.box.close()

    def waiting_receipts(self) -> list[WaitingReceipt]:
        """The Maildir's PEC receipts (X-Ricevuta present), oldest first."""
        found = []
        for key in sorted(self.box.keys(), key=lambda k: (self.box.get_message(k).get_date(), k)):
            message = self.box.get_message(key)
            kind = message.get("X-Ricevuta")
            if kind:
                ref = message.get("X-Riferimento-Message-ID")
                found.append(WaitingReceipt(key, len(self.box.get_bytes(key)), str(kind).strip(),
                                            str(ref).strip() if ref else None))
        return found

    def read(self, uid: str) -> bytes:
        try:
            return self.box.get_bytes(uid)
        except KeyError:
            raise MailServerError(FIELD, f"message {uid} is no longer in {self.path}") from None

    def move(self, uids: Iterable[str], folder: str) -> None:
        target = mailbox.Maildir(self.path / f".{folder}", create=True)
        for uid in uids:
            target.add(self.box.get_bytes(uid))
            self.box.discard(uid)
