"""Which PEC mailbox a tenant sends from and collects into.

The API uses the mailbox the tenant stored (`PUT /v1/mailboxes/pec`); the CLI prefers the
``CORRESPONDENCE_PEC_*`` variables (one firm, one mailbox, nothing stored) and falls back to the stored one.
"""
from __future__ import annotations

import uuid
from typing import Mapping

from sqlalchemy.orm import Session

from ..dispatch.mailbox import PecMailbox, mailbox_from_env
from ..errors import InputError
from ..store.mailboxes import get_mailbox, mailbox_for_use


def pec_mailbox(session: Session, tenant_id: uuid.UUID, *, env: Mapping[str, str] | None = None,
                use_env: bool = False) -> PecMailbox:
    """The tenant's PEC mailbox with credentials; a clear error if none is configured."""
    if use_env:
        from_env = mailbox_from_env(env)
        if from_env is not None:
            return from_env
    row = get_mailbox(session, tenant_id)
    if row is None:
        hint = " or set CORRESPONDENCE_PEC_ADDRESS, _SMTP_URL and _IMAP_URL" if use_env else ""
        raise InputError("mailbox", f"no PEC mailbox is configured: PUT /v1/mailboxes/pec{hint}")
    return mailbox_for_use(row, env)
