"""Pure rules tying evidence to the dispatch it claims to be about (no database).

A PEC receipt names the message it concerns by Message-ID (daticert `msgid`, inside the signature, and
`X-Riferimento-Message-ID`, outside it) and the recipient by `consegna`; it must also be later than the
submission, since a gestore certifies events of a message it was handed (art. 6 DPR 68/2005). Manual
evidence (a posted event, a scan) may never claim what only a gestore's signed receipt proves.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from ..errors import InputError
from .legal import LegalEffectPolicy
from .model import Channel, EventType
from .pec import PecReceipt

#: A gestore's clock and ours may differ a little; a receipt up to this much before the recorded
#: submission is still accepted (a receipt hours or years earlier is not about this message).
CLOCK_SKEW = dt.timedelta(minutes=5)
ELECTRONIC = (Channel.pec, Channel.certified_email, Channel.erds)

#: On a PEC dispatch these are proven only by the gestore's signed receipts, never by a posted event.
PEC_RECEIPT_EVENTS = frozenset({
    EventType.accepted, EventType.not_accepted, EventType.in_transit, EventType.delivery_warning,
    EventType.delivered, EventType.undeliverable, EventType.failed, EventType.virus_detected,
})


def normalise_message_id(value: str) -> str:
    """`<local@domain>` (RFC 5322 msg-id) from what a user or a header gives, or InputError."""
    value = value.strip()
    if not value:
        raise InputError("message_id", "must not be empty")
    if not (value.startswith("<") and value.endswith(">")):
        value = f"<{value.strip('<>')}>"
    if any(c.isspace() or ord(c) < 32 for c in value) or "@" not in value or len(value) > 500:
        raise InputError("message_id", "must look like <local@domain> without spaces")
    return value


def make_policy(data: Mapping[str, Any] | None) -> LegalEffectPolicy:
    try:
        return LegalEffectPolicy(**dict(data or {}))
    except TypeError:
        raise InputError("policy", "unknown policy field") from None


def check_recipient(channel: Channel, recipient: str) -> str:
    recipient = recipient.strip()
    if not recipient:
        raise InputError("recipient", "must not be empty")
    if channel in ELECTRONIC and "@" not in recipient:
        raise InputError("recipient", f"a {channel.value} dispatch needs an electronic address (name@domain)")
    return recipient


def check_submitted_at(submitted_at: dt.datetime | None, now: dt.datetime) -> None:
    if submitted_at is None:
        return
    if submitted_at.tzinfo is None:
        raise InputError("submitted_at", "must include the UTC offset")
    if submitted_at > now + CLOCK_SKEW:
        raise InputError("submitted_at", "is in the future: give when the message was actually sent")


def check_manual_event(channel: str, event_type: EventType, field: str = "type") -> None:
    """Refuse manual (JSON or scan) evidence that only a signed PEC receipt may give: otherwise an unsigned
    claim could move a PEC dispatch to delivered."""
    if channel == Channel.pec.value and event_type in PEC_RECEIPT_EVENTS:
        raise InputError(field, f"on a PEC dispatch '{event_type.value}' is proven by the gestore's receipt: "
                                "upload the .eml to /v1/dispatches/{id}/receipts")


def receipt_refs(parsed: PecReceipt) -> list[str]:
    """Message-IDs the receipt refers to: the daticert msgid (inside the signed part) first, then the
    X-Riferimento-Message-ID header (outside it). If both exist they must agree."""
    refs: list[str] = []
    for value in (parsed.msgid, parsed.reference_message_id):
        if value:
            try:
                ref = normalise_message_id(value)
            except InputError:
                continue
            if ref not in refs:
                refs.append(ref)
    if parsed.msgid and parsed.reference_message_id and len(refs) > 1:
        raise InputError("file", f"X-Riferimento-Message-ID {refs[1]} disagrees with the certified msgid {refs[0]}")
    return refs


def check_receipt_matches(parsed: PecReceipt, *, channel: str, message_id: str | None, recipient: str,
                          submitted_at: dt.datetime) -> None:
    """Refuse a PEC receipt that is not about this dispatch: other message, other recipient, not a receipt,
    or certifying an event before the message was submitted (`submitted_at`: recorded submission, else when
    the dispatch was opened)."""
    if channel != Channel.pec.value:
        raise InputError("file", f"a PEC receipt cannot belong to a {channel} dispatch")
    if not parsed.is_receipt:
        raise InputError("file", f"this is a PEC {parsed.kind} message, not a receipt")
    refs = receipt_refs(parsed)
    if message_id not in refs:
        raise InputError("file", f"the receipt refers to Message-ID {refs[0] if refs else '(none)'}, "
                                 f"this dispatch's is {message_id}")
    if parsed.delivery_address and parsed.delivery_address.strip().lower() != recipient.strip().lower():
        raise InputError("file", f"the receipt concerns recipient {parsed.delivery_address}, "
                                 f"this dispatch is to {recipient}")
    if parsed.timestamp is not None and parsed.timestamp < submitted_at - CLOCK_SKEW:
        raise InputError("file", f"the receipt is dated {parsed.timestamp.isoformat()}, before this dispatch was "
                                 f"submitted ({submitted_at.isoformat()}): it is about another message")
