"""Use case: send a PEC dispatch, i.e. submit its stored document by SMTP to the sender's gestore.

One message may have several recipients: each is its own dispatch sharing the Message-ID, and one
submission sends the message to all of them and records `submitted` on each. Sending is idempotent: a
message already submitted (or already evidenced by a receipt) is never sent again. The dispatches are
locked for the whole submission, so two concurrent requests cannot both send. Under DPR 68/2005 art. 3
the message counts as sent at the gestore's accettazione, not at submission: `submitted_at` is only the
time the gestore's SMTP server took it (with its answer kept in the event).
"""
from __future__ import annotations

import hashlib
import logging
import ssl
import uuid
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.orm import Session

from ..dispatch.mailbox import PecMailbox, tls_context
from ..dispatch.model import Channel, DeliveryState, DispatchEvent, EventType
from ..dispatch.submission import Attachment, SmtpAnswer, compose_message, submit
from ..errors import ConfigurationError, InputError
from ..model import Case
from ..store import Store
from ..store.dispatches import get_dispatch, lock, record_event, refresh_cache, sharing_message_id
from ..store.documents import get_document
from ..store.models import CaseRecord, Dispatch, Document
from ..store.types import utcnow
from ..wording.mail import covering_mail

log = logging.getLogger(__name__)
P7M_TYPES = ("application/pkcs7-mime", "application/pkcs7-signature", "application/octet-stream")


@dataclass(frozen=True)
class Submission:
    dispatch_ids: list[uuid.UUID]
    recipients: list[str]
    message_id: str
    answer: str | None
    already_sent: bool


def _attachment(store: Store, document: Document) -> Attachment:
    data = store.blobs.read_bytes(document.sha256)
    if hashlib.sha256(data).hexdigest() != document.sha256:  # send exactly the bytes that were stored
        raise ConfigurationError(f"stored document {document.id} does not match its SHA-256")
    return Attachment(document.filename, document.media_type, data)


def _p7m(store: Store, session: Session, dispatch: Dispatch, p7m_id: uuid.UUID) -> Attachment:
    doc = get_document(session, dispatch.tenant_id, p7m_id)
    if doc is None:
        raise InputError("p7m_document_id", "no such document")
    if doc.id == dispatch.document_id:
        raise InputError("p7m_document_id", "is the dispatched document itself")
    if doc.case_id not in (None, dispatch.case_id):
        raise InputError("p7m_document_id", "the document belongs to another case")
    if not (doc.filename.lower().endswith(".p7m") or doc.media_type in P7M_TYPES[:2]):
        raise InputError("p7m_document_id", "must be a CAdES .p7m file (application/pkcs7-mime)")
    return _attachment(store, doc)


def _already(group: list[Dispatch]) -> bool:
    return any(d.submitted_at is not None or d.state != DeliveryState.draft.value for d in group)


def _result(group: list[Dispatch], answer: str | None, already: bool) -> Submission:
    return Submission([d.id for d in group], [d.recipient for d in group], group[0].message_id or "", answer,
                      already)


def send_dispatch(store: Store, tenant_id: uuid.UUID, dispatch_id: uuid.UUID, mailbox: PecMailbox, *,
                  p7m_document_id: uuid.UUID | None = None,
                  context: ssl.SSLContext | None = None) -> Submission:
    """Submit the dispatch's message (to every recipient sharing its Message-ID) unless already sent."""
    with store.session() as session:
        dispatch = get_dispatch(session, tenant_id, dispatch_id)
        if dispatch is None:
            raise InputError("dispatch_id", "no such dispatch")
        if dispatch.channel != Channel.pec.value or not dispatch.message_id:
            raise InputError("channel", f"only PEC dispatches are sent by e-mail, this one is {dispatch.channel}")
        group = sharing_message_id(session, tenant_id, dispatch.message_id)
        if _already(group):
            return _result(group, None, True)
        document = get_document(session, tenant_id, dispatch.document_id)
        case = session.get(CaseRecord, dispatch.case_id)
        if document is None or case is None:
            raise ConfigurationError(f"dispatch {dispatch.id} lost its document or case")
        attachments = [_attachment(store, document)]
        if p7m_document_id is not None:
            attachments.append(_p7m(store, session, dispatch, p7m_document_id))
        try:
            wording = covering_mail(Case.model_validate(case.data), [a.filename for a in attachments])
        except ValidationError as exc:
            raise ConfigurationError(f"case {case.id} no longer validates: {exc.errors()[0]['msg']}") from None
        recipients = [d.recipient for d in group]
        message = compose_message(sender=mailbox.address, recipients=recipients, message_id=dispatch.message_id,
                                  subject=wording.subject, body=wording.body, attachments=attachments)
        session.rollback()  # end the read transaction; the write one starts with the locks
        sent = False
        try:
            for d in sorted(group, key=lambda d: str(d.id)):
                lock(session, d)
            for d in group:
                session.refresh(d)
            if _already(group):  # a concurrent request sent it while we waited for the lock
                session.rollback()
                return _result(group, None, True)
            answer: SmtpAnswer = submit(mailbox.smtp, message, sender=mailbox.address, recipients=recipients,
                                        context=context or tls_context())
            sent = True
            now = utcnow()
            for d in group:
                d.submitted_at = now
                record_event(session, d, DispatchEvent(EventType.submitted, now, "integration", True, {
                    "smtp_answer": str(answer), "server": mailbox.smtp.url, "sender": mailbox.address,
                    "recipients": ", ".join(recipients)}))
                refresh_cache(session, d)
            session.commit()
        except BaseException:
            session.rollback()
            if sent:  # the gestore has the message: a retry would send it twice, so say so loudly
                log.error("PEC %s was submitted but recording it failed; do not resend before checking the "
                          "mailbox for its accettazione", dispatch.message_id)
            raise
        log.info("PEC %s submitted to %s: %s", dispatch.message_id, ", ".join(recipients), answer)
        return _result(group, str(answer), False)
