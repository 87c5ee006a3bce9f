"""A tenant's PEC mailbox as stored: URLs without credentials, the user, and the password sealed with the
server key (`secretbox`). Reading it back for use unseals the password; views never see it."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Mapping, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..dispatch.mailbox import PecMailbox, check_address, check_folder, parse_server_url
from ..errors import InputError
from .models import Mailbox
from .secretbox import seal, unseal
from .types import utcnow

PEC = "pec"


@dataclass(frozen=True)
class MailboxSettings:
    """What a tenant gives to configure its PEC mailbox (the password only on the way in)."""

    address: str
    smtp_url: str
    imap_url: str
    username: str
    password: str | None = None
    processed_folder: str = "Processed"


def get_mailbox(session: Session, tenant_id: uuid.UUID, kind: str = PEC) -> Optional[Mailbox]:
    return session.scalar(select(Mailbox).where(Mailbox.tenant_id == tenant_id, Mailbox.kind == kind))


def put_mailbox(session: Session, tenant_id: uuid.UUID, settings: MailboxSettings,
                env: Mapping[str, str] | None = None) -> tuple[Mailbox, bool]:
    """Create or replace the tenant's PEC mailbox and commit. The password may be left out on an update
    (the stored one is kept); on creation it is required. Returns (row, created)."""
    address = check_address("address", settings.address)
    smtp = parse_server_url("smtp_url", settings.smtp_url, "smtp", allow_credentials=False)
    imap = parse_server_url("imap_url", settings.imap_url, "imap", allow_credentials=False)
    username = (settings.username or "").strip()
    if not username or len(username) > 320:
        raise InputError("username", "must be 1 to 320 characters")
    folder = check_folder("processed_folder", settings.processed_folder)
    if folder == imap.folder:
        raise InputError("processed_folder", "must differ from the folder the receipts are read from")
    row = get_mailbox(session, tenant_id)
    created = row is None
    if settings.password is None and created:
        raise InputError("password", "is required when the mailbox is first configured")
    if settings.password is not None and not (1 <= len(settings.password) <= 1000):
        raise InputError("password", "must be 1 to 1000 characters")
    sealed = seal(settings.password, env) if settings.password is not None else None
    if row is None:
        row = Mailbox(tenant_id=tenant_id, kind=PEC)
        session.add(row)
    row.address, row.smtp_url, row.imap_url, row.username = address, smtp.url, imap.url, username
    row.processed_folder = folder
    if sealed is not None:
        row.password_encrypted = sealed
    row.updated_at = utcnow()
    session.commit()
    return row, created


def mailbox_for_use(row: Mailbox, env: Mapping[str, str] | None = None) -> PecMailbox:
    """The stored mailbox with its credentials, ready to connect."""
    mailbox = PecMailbox(row.address, parse_server_url("smtp_url", row.smtp_url, "smtp"),
                         parse_server_url("imap_url", row.imap_url, "imap"), row.processed_folder)
    return mailbox.with_credentials(row.username, unseal(row.password_encrypted, env))
