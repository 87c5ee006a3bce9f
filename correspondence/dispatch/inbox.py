"""Reading a PEC mailbox by IMAP (imap-tools): list the gestore's receipts, read them byte-exact, move
the processed ones to a folder.

Nothing relies on \\Seen (another client may read the mail; OCA l10n-italy #1219): every read is a
BODY.PEEK, unrelated mail is never touched, and a receipt leaves the folder only once it is stored, so a
pass killed half-way re-reads what it had not moved. Receipts are recognised by the X-Ricevuta header
(DM 2/11/2005 allegato), never by the Subject.
"""
from __future__ import annotations

import imaplib
import re
import ssl
from dataclasses import dataclass
from types import TracebackType
from typing import Iterable, Protocol

from imap_tools import MailBox, MailBoxStartTls
from imap_tools.errors import ImapToolsError, MailboxLoginError, MailboxStarttlsError

from .mailbox import TIMEOUT_SECONDS, MailServer, MailServerError

FIELD = "imap_url"
HEADER_BATCH = 200
_FAULTS = (OSError, imaplib.IMAP4.error, ImapToolsError)


class ReceiptSource(Protocol):
    """What collection needs of a mailbox: the IMAP `Inbox`, or the demo's `MaildirInbox`."""

    server: MailServer

    def waiting_receipts(self) -> list["WaitingReceipt"]: ...

    def read(self, uid: str) -> bytes: ...

    def move(self, uids: Iterable[str], folder: str) -> None: ...


@dataclass(frozen=True)
class WaitingReceipt:
    uid: str
    size: int
    kind: str  # the X-Ricevuta value as found (untrusted: the signed daticert decides)
    reference: str | None = None  # X-Riferimento-Message-ID as found (untrusted too)


class Inbox:
    """An open, logged-in IMAP session on the mailbox's folder. Use as a context manager."""

    def __init__(self, server: MailServer, context: ssl.SSLContext) -> None:
        self.server = server
        try:
            if server.implicit_tls:
                self.box: MailBox | MailBoxStartTls = MailBox(server.host, server.port, timeout=TIMEOUT_SECONDS,
                                                              ssl_context=context)
            else:
                self.box = MailBoxStartTls(server.host, server.port, timeout=TIMEOUT_SECONDS, ssl_context=context)
        except MailboxStarttlsError:
            raise MailServerError(FIELD, f"{server.url} does not accept STARTTLS: refusing to log in in clear "
                                         "(use imaps:// for implicit TLS)") from None
        except ssl.SSLError as exc:
            raise MailServerError(FIELD, f"TLS with {server.url} failed: {exc.reason or exc}") from None
        except _FAULTS as exc:
            raise MailServerError(FIELD, f"cannot reach {server.url}: {exc}") from None
        try:
            self.box.login(server.username or "", server.password or "", initial_folder=server.folder or "INBOX")
        except MailboxLoginError:
            self._close()
            raise MailServerError(FIELD, f"{server.url} refused the credentials of {server.username}") from None
        except _FAULTS as exc:
            self._close()
            raise MailServerError(FIELD, f"cannot open folder {server.folder} on {server.url}: {exc}") from None
        self._refresh_capabilities()

    def _refresh_capabilities(self) -> None:
        """imaplib keeps the pre-login capabilities, which need not list MOVE (Dovecot announces it after
        login): ask again, so that a move is the atomic IMAP MOVE (RFC 6851), never COPY + EXPUNGE, which a
        process killed half-way would leave as a copy in both folders."""
        try:
            typ, data = self.box.client.capability()
            if typ == "OK" and data and data[-1]:
                self.box.client.capabilities = tuple(data[-1].decode("ascii", "replace").upper().split())
        except _FAULTS:
            pass

    def __enter__(self) -> "Inbox":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self.box.logout()
        except _FAULTS:
            self._close()

    def _close(self) -> None:
        try:
            self.box.client.shutdown()
        except (OSError, AttributeError):
            pass

    def waiting_receipts(self) -> list[WaitingReceipt]:
        """The folder's PEC receipts (X-Ricevuta present), oldest first, read by headers only."""
        found = []
        try:
            for msg in self.box.fetch("ALL", headers_only=True, mark_seen=False, bulk=HEADER_BATCH):
                kind = msg.headers.get("x-ricevuta")
                if kind and msg.uid:
                    reference = msg.headers.get("x-riferimento-message-id")
                    found.append(WaitingReceipt(msg.uid, msg.size_rfc822, kind[0].strip(),
                                                reference[0].strip() if reference else None))
        except _FAULTS as exc:
            raise MailServerError(FIELD, f"listing {self.server.folder} on {self.server.url} failed: {exc}") from None
        return found

    def read(self, uid: str) -> bytes:
        """The message exactly as the server holds it (BODY.PEEK[]: its \\Seen flag is left alone)."""
        try:
            typ, data = self.box.client.uid("fetch", uid, "(BODY.PEEK[])")
        except _FAULTS as exc:
            raise MailServerError(FIELD, f"reading message {uid} failed: {exc}") from None
        for item in data or ():
            if isinstance(item, tuple) and re.search(rb"BODY\[\]", item[0]):
                return bytes(item[1])
        raise MailServerError(FIELD, f"message {uid} is no longer in {self.server.folder}")

    def wait_for_news(self, timeout: float) -> bool:
        """IMAP IDLE (RFC 2177) for up to `timeout` seconds: True when the server announced a change."""
        try:
            responses = self.box.idle.wait(timeout=min(timeout, 29 * 60))
        except _FAULTS as exc:
            raise MailServerError(FIELD, f"waiting for new mail on {self.server.url} failed: {exc}") from None
        if self.box.client.sock is None or self.box.client.sock.fileno() < 0:
            raise MailServerError(FIELD, f"{self.server.url} closed the connection")
        return bool(responses)

    def move(self, uids: Iterable[str], folder: str) -> None:
        """Move messages to `folder`, creating it if missing (IMAP MOVE, or COPY + expunge)."""
        uid_list = list(uids)
        if not uid_list:
            return
        try:
            if not self.box.folder.exists(folder):
                self.box.folder.create(folder)
            self.box.move(uid_list, folder)
        except _FAULTS as exc:
            raise MailServerError(FIELD, f"moving receipts to {folder} failed: {exc}") from None
