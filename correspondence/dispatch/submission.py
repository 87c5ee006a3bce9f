"""Submitting a PEC message by SMTP to the sender's gestore (punto di accesso).

The message carries the dispatch's own Message-ID: the gestore copies it into every receipt
(daticert msgid, X-Riferimento-Message-ID), which is how receipts find their dispatch (DM 2/11/2005,
allegato; see shared/domain/certified-dispatch.md §1.2). It asks for the ricevuta completa
(X-TipoRicevuta), so the delivery receipt carries the original as proof of content. The recipients go in
To: (the gestore refuses Bcc), and the SMTP answer to DATA is returned as evidence of submission.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from datetime import datetime, timezone
from typing import Sequence

from .mailbox import TIMEOUT_SECONDS, MailServer, MailServerError

FIELD = "smtp_url"


@dataclass(frozen=True)
class Attachment:
    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class SmtpAnswer:
    """The server's final answer to the message (e.g. 250 "2.0.0 Ok: queued as ...")."""

    code: int
    text: str
    refused: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


def compose_message(*, sender: str, recipients: Sequence[str], message_id: str, subject: str, body: str,
                    attachments: Sequence[Attachment], date: datetime | None = None) -> EmailMessage:
    """The PEC message: text/plain body in UTF-8 and the documents as attachments, byte for byte."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = " ".join(subject.split())  # one line: no header injection, no folding surprises
    msg["Date"] = format_datetime(date or datetime.now(timezone.utc))
    msg["Message-ID"] = message_id
    msg["X-TipoRicevuta"] = "completa"
    msg.set_content(body, charset="utf-8")
    for item in attachments:
        maintype, _, subtype = item.media_type.partition("/")
        msg.add_attachment(item.data, maintype=maintype, subtype=subtype or "octet-stream", filename=item.filename)
    return msg


def _connect(server: MailServer, context: ssl.SSLContext) -> smtplib.SMTP:
    if server.implicit_tls:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, context=context, timeout=TIMEOUT_SECONDS)
        smtp.ehlo()
        return smtp
    smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    smtp.ehlo()
    if not smtp.has_extn("starttls"):
        smtp.close()
        raise MailServerError(FIELD, f"{server.url} does not offer STARTTLS: refusing to send in clear "
                                     "(use smtps:// for implicit TLS)")
    smtp.starttls(context=context)
    smtp.ehlo()
    return smtp


def submit(server: MailServer, message: EmailMessage, *, sender: str, recipients: Sequence[str],
           context: ssl.SSLContext) -> SmtpAnswer:
    """Hand `message` to the gestore. All recipients must be accepted, or nothing is sent (RSET)."""
    try:
        smtp = _connect(server, context)
    except MailServerError:
        raise
    except ssl.SSLError as exc:
        raise MailServerError(FIELD, f"TLS with {server.url} failed: {exc.reason or exc}") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise MailServerError(FIELD, f"cannot reach {server.url}: {exc}") from None
    try:
        if server.username:
            smtp.login(server.username, server.password or "")
        code, resp = smtp.mail(sender)
        if code != 250:
            raise MailServerError(FIELD, f"the server refused the sender {sender}: {code} {resp.decode(errors='replace')}")
        for rcpt in recipients:
            code, resp = smtp.rcpt(rcpt)
            if code not in (250, 251):
                smtp.rset()
                raise MailServerError(FIELD, f"the server refused recipient {rcpt}: {code} "
                                             f"{resp.decode(errors='replace')}; nothing was sent")
        code, resp = smtp.data(message.as_bytes())
        if code != 250:
            raise MailServerError(FIELD, f"the server refused the message: {code} {resp.decode(errors='replace')}")
        return SmtpAnswer(code, resp.decode(errors="replace"))
    except smtplib.SMTPAuthenticationError as exc:
        raise MailServerError(FIELD, f"{server.url} refused the credentials of {server.username}: "
                                     f"{exc.smtp_code}") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise MailServerError(FIELD, f"the conversation with {server.url} failed: {exc}") from None
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
