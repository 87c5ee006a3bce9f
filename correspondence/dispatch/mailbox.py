"""A PEC mailbox as configuration: the sender address, the SMTP submission server and the IMAP server.

Servers are given as URLs: ``smtps://host:465`` (implicit TLS) or ``smtp://host:587`` (STARTTLS, which is
then required), ``imaps://host:993/INBOX`` or ``imap://host:143/INBOX`` (STARTTLS required). Credentials
never travel in clear: a server that does not offer TLS is refused. The CLI reads the mailbox from
``CORRESPONDENCE_PEC_ADDRESS`` / ``CORRESPONDENCE_PEC_SMTP_URL`` / ``CORRESPONDENCE_PEC_IMAP_URL`` (user and
password in the URLs); ``CORRESPONDENCE_PEC_CA_FILE`` adds a CA bundle to the system trust (private relays).
"""
from __future__ import annotations

import ssl
from dataclasses import dataclass, replace
from typing import Mapping, Union
from urllib.parse import unquote, urlsplit

from ..errors import InputError, UpstreamError
from ..settings import Settings, resolve

ADDRESS_ENV = "CORRESPONDENCE_PEC_ADDRESS"
SMTP_ENV = "CORRESPONDENCE_PEC_SMTP_URL"
IMAP_ENV = "CORRESPONDENCE_PEC_IMAP_URL"
PROCESSED_ENV = "CORRESPONDENCE_PEC_PROCESSED_FOLDER"
CA_FILE_ENV = "CORRESPONDENCE_PEC_CA_FILE"
DEFAULT_PROCESSED_FOLDER = "Processed"
TIMEOUT_SECONDS = 60.0

_PORTS = {"smtps": 465, "smtp": 587, "imaps": 993, "imap": 143}


class MailServerError(UpstreamError):
    """The mail server could not be reached, refused TLS or the credentials, or answered an error.
    `field` names the setting at fault (smtp_url, imap_url)."""

    slug = "mail-server"


@dataclass(frozen=True)
class MailServer:
    """One server of a mailbox. `folder` is the IMAP folder to read (INBOX by default)."""

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    folder: str | None = None

    @property
    def implicit_tls(self) -> bool:
        return self.scheme.endswith("s")

    @property
    def url(self) -> str:
        """The URL without credentials (safe to show and to store)."""
        path = f"/{self.folder}" if self.folder and self.scheme.startswith("imap") else ""
        return f"{self.scheme}://{self.host}:{self.port}{path}"


def parse_server_url(field: str, url: str, protocol: str, *, allow_credentials: bool = True) -> MailServer:
    """Parse and check a server URL (`protocol` smtp or imap); credentials in it only if allowed."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InputError(field, f"not a valid URL: {exc}") from None
    schemes = (f"{protocol}s", protocol)
    if parts.scheme not in schemes:
        raise InputError(field, f"must start with {schemes[0]}:// (TLS) or {schemes[1]}:// (STARTTLS)")
    if not parts.hostname:
        raise InputError(field, "has no host")
    if (parts.username or parts.password) and not allow_credentials:
        raise InputError(field, "must not contain a user or password: give them as separate fields")
    if parts.query or parts.fragment:
        raise InputError(field, "must not have a query or fragment")
    folder = unquote(parts.path.lstrip("/")) or None
    if protocol == "smtp" and folder:
        raise InputError(field, "an SMTP URL has no path")
    if folder and (len(folder) > 200 or any(ord(c) < 32 for c in folder)):
        raise InputError(field, "the folder name is too long or has control characters")
    return MailServer(parts.scheme, parts.hostname, port or _PORTS[parts.scheme],
                      unquote(parts.username) if parts.username else None,
                      unquote(parts.password) if parts.password is not None else None,
                      (folder or "INBOX") if protocol == "imap" else None)


@dataclass(frozen=True)
class PecMailbox:
    """Sender address + servers; the same credentials may serve both servers (usual for PEC gestori)."""

    address: str
    smtp: MailServer
    imap: MailServer
    processed_folder: str = DEFAULT_PROCESSED_FOLDER

    def with_credentials(self, username: str, password: str) -> "PecMailbox":
        return replace(self, smtp=replace(self.smtp, username=username, password=password),
                       imap=replace(self.imap, username=username, password=password))


def check_address(field: str, address: str) -> str:
    address = (address or "").strip()
    local, _, domain = address.rpartition("@")
    if not local or "." not in domain or any(c.isspace() or c in "<>,;\"" for c in address) or len(address) > 320:
        raise InputError(field, "must be an e-mail address (name@domain)")
    return address


def check_folder(field: str, folder: str) -> str:
    folder = (folder or "").strip()
    if not folder or len(folder) > 200 or any(ord(c) < 32 for c in folder):
        raise InputError(field, "must be a folder name of 1 to 200 printable characters")
    return folder


def mailbox_from_env(env: Union[Settings, Mapping[str, str], None] = None) -> PecMailbox | None:
    """The mailbox the CLI variables describe, or None if none of them is set."""
    config = resolve(env)
    env = {ADDRESS_ENV: config.pec_address or "", SMTP_ENV: config.secret("pec_smtp_url") or "",
           IMAP_ENV: config.secret("pec_imap_url") or "", PROCESSED_ENV: config.pec_processed_folder or ""}
    names = (ADDRESS_ENV, SMTP_ENV, IMAP_ENV)
    if not any(env.get(n) for n in names):
        return None
    missing = [n for n in names if not env.get(n)]
    if missing:
        raise InputError(missing[0], "must be set too (a PEC mailbox needs an address, an SMTP and an IMAP URL)")
    return PecMailbox(check_address(ADDRESS_ENV, env[ADDRESS_ENV]), parse_server_url(SMTP_ENV, env[SMTP_ENV], "smtp"),
                      parse_server_url(IMAP_ENV, env[IMAP_ENV], "imap"),
                      check_folder(PROCESSED_ENV, env.get(PROCESSED_ENV) or DEFAULT_PROCESSED_FOLDER))


def tls_context(env: Union[Settings, Mapping[str, str], None] = None) -> ssl.SSLContext:
    """Verifying TLS context (system trust, plus `CORRESPONDENCE_PEC_CA_FILE` when set), TLS 1.2 at least."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    ca_file = resolve(env).pec_ca_file
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise InputError(CA_FILE_ENV, f"cannot load CA file {ca_file}: {exc}") from None
    return context
