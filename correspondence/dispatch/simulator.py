"""A PEC provider simulator for tests and the demo: the gestore's SMTP submission server (aiosmtpd).

It accepts a message from an authenticated mailbox over TLS, answers 250 with the PEC identifier, and
puts into the sender's mailbox (a Maildir, which Dovecot serves in the tests) what a real gestore would:
the signed ricevuta di accettazione, then for each recipient a ricevuta di avvenuta consegna completa, or
an avviso di mancata consegna for the recipients named `undeliverable` (DPR 68/2005 art. 6; format in
`gestore`). Receipts are signed with the simulator's demo PKI (`gestore_pki`). Nothing leaves the machine:
no message is relayed anywhere.
"""
from __future__ import annotations

import logging
import mailbox
import os
import socket
import ssl
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Callable

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from .gestore import GestoreKey, Original, accettazione, avvenuta_consegna, mancata_consegna

# aiosmtpd counts only a STARTTLS session as TLS and warns that AUTH is allowed without it; under implicit TLS
# (SMTPS, port 465 style) the whole connection is encrypted from the first byte, so the warning is wrong here.
IMPLICIT_TLS_WARNING = "Requiring AUTH while not requiring TLS"
warnings.filterwarnings("ignore", message=IMPLICIT_TLS_WARNING, category=UserWarning, module="aiosmtpd")

log = logging.getLogger(__name__)
Deliver = Callable[[str, bytes], None]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@dataclass
class MaildirDelivery:
    """Delivers into `<root>/<address>/Maildir` (or `maildirs[address]`), as files owned by `owner`
    (uid, gid) when given: Dovecot's mail processes must be able to read and move them."""

    root: Path
    maildirs: dict[str, Path] = field(default_factory=dict)
    owner: tuple[int, int] | None = None

    def path(self, address: str) -> Path:
        return self.maildirs.get(address.lower()) or self.root / address.lower() / "Maildir"

    def __call__(self, address: str, data: bytes) -> None:
        path = self.path(address)
        path.parent.mkdir(parents=True, exist_ok=True)
        box = mailbox.Maildir(path, create=True)
        key = box.add(data)  # bytes, written as they are (a Message would be re-generated)
        if self.owner is not None:
            for item in (path.parent, path, path / "new", path / "cur", path / "tmp", path / "new" / key):
                if item.exists():
                    os.chown(item, *self.owner)
        box.close()


@dataclass
class Submitted:
    """One message the simulator accepted, and the receipts it delivered for it."""

    sender: str
    recipients: list[str]
    data: bytes
    receipts: list[tuple[str, bytes]] = field(default_factory=list)  # (kind, bytes)


class PecSimulator:
    """The simulated gestore. Use as a context manager; `port` is free, on loopback by default.

    `users` maps login -> password (AUTH required, only under TLS); `tls` is the server's TLS context;
    `implicit_tls` chooses smtps (default) or STARTTLS. Recipients in `undeliverable` get an avviso di
    mancata consegna (errore no-dest) instead of a consegna."""

    def __init__(self, gestore: GestoreKey, deliver: Deliver, *, tls: ssl.SSLContext, users: dict[str, str],
                 implicit_tls: bool = True, undeliverable: set[str] | None = None, host: str = "127.0.0.1",
                 port: int | None = None) -> None:
        self.gestore, self.deliver, self.tls, self.users = gestore, deliver, tls, users
        self.implicit_tls, self.host, self.port = implicit_tls, host, port or free_port(host)
        self.undeliverable = {a.lower() for a in undeliverable or ()}
        self.submitted: list[Submitted] = []

    @property
    def url(self) -> str:
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port}"

    def _auth(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and self.users.get(data.login.decode(errors="replace")) == \
            data.password.decode(errors="replace")
        return AuthResult(success=ok, handled=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = bytes(envelope.original_content or envelope.content)
        original = Original.parse(data, self.gestore.domain)
        if not original.message_id:
            return "550 5.6.0 Message-ID missing: the message is not accepted (non-accettazione)"
        sender = str(envelope.mail_from)
        done = Submitted(sender, list(envelope.rcpt_tos), data)
        at = datetime.now(timezone.utc).replace(microsecond=0)
        done.receipts.append(("accettazione", accettazione(self.gestore, original, at)))
        for rcpt in envelope.rcpt_tos:
            delivered_at = datetime.now(timezone.utc).replace(microsecond=0)
            if rcpt.lower() in self.undeliverable:
                done.receipts.append(("errore-consegna", mancata_consegna(self.gestore, original, rcpt, delivered_at)))
            else:
                done.receipts.append(("avvenuta-consegna", avvenuta_consegna(self.gestore, original, rcpt,
                                                                             delivered_at)))
        try:
            for _, receipt in done.receipts:
                self.deliver(sender, receipt)
        except OSError as exc:
            log.error("PEC simulator could not deliver the receipts to %s: %s", sender, exc)
            return "451 4.3.0 Temporary failure delivering the receipts, try again"
        self.submitted.append(done)
        return f"250 2.0.0 Ok: queued as {original.identificativo}"

    def __enter__(self) -> "PecSimulator":
        kwargs: dict[str, Any] = {"authenticator": self._auth, "auth_required": True,
                                  "auth_require_tls": not self.implicit_tls}
        if self.implicit_tls:
            kwargs["ssl_context"] = self.tls
        else:
            kwargs.update(tls_context=self.tls, require_starttls=True)
        self.controller = Controller(self, hostname=self.host, port=self.port, **kwargs)
        self.controller.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.controller.stop()


def server_tls(cert: Path, key: Path) -> ssl.SSLContext:
    """The simulator's TLS (server side) from a certificate and key in PEM."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context
