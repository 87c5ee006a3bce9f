"""PEC receipts: parse the .eml bytes as received, classify, verify, and turn into a dispatch event.

Classification uses the X-Ricevuta / X-Trasporto headers and daticert.xml, never the Subject. Because the
top-level headers sit outside the signed part, the signed daticert `tipo` wins when both are present and a
disagreement is recorded in `warnings`.

The message is split once (`mime.split_signed`, ambiguous structures refused); daticert.xml and the
original message are read from the bytes the signature covers, never from outside them.

Trust rule: an event derived from a receipt is `trusted` only if the gestore signature verifies over the
signed bytes, the signer is an accredited PEC provider (`providers`) and the data came from daticert.xml. Untrusted events are kept as evidence but the state
machine never lets them move a dispatch (in particular never to delivered); see `machine`.
"""
from __future__ import annotations

import email
import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Iterator

from ..errors import InputError
from .attachments import MAX_DEPTH, OriginalAttachment, original_attachments
from .daticert import Daticert, PecRecipient, parse_daticert
from .mime import AmbiguousMessage, check_headers, decoded, split_signed, subparts
from .model import DispatchEvent, EventType
from .providers import TrustList
from .smime import SignatureCheck, verify_smime

MAX_RECEIPT_BYTES = 64 * 1024 * 1024  # a ricevuta completa carries the original with its attachments

RECEIPT_KINDS = (
    "accettazione", "non-accettazione", "presa-in-carico", "avvenuta-consegna", "errore-consegna",
    "preavviso-errore-consegna", "rilevazione-virus",
)
ENVELOPE = "posta-certificata"  # busta di trasporto: the certified message itself, not a receipt
ANOMALY = "anomalia"  # busta di anomalia (X-Trasporto: errore): non-certified mail wrapped by the gestore
_TRANSPORT = {"posta-certificata": ENVELOPE, "errore": ANOMALY}


@dataclass(frozen=True)
class PecReceipt:
    """A parsed PEC message from a gestore (receipt, transport envelope or anomaly envelope).

    `timestamp`/`zone` are the legal time of daticert dati/data; `msgid` is the original Message-ID as
    certified in daticert, `reference_message_id` the X-Riferimento-Message-ID header; both correlate the
    receipt with the message the firm sent. `identificativo` groups all receipts of one message;
    `delivery_address` (daticert consegna) says which recipient a (non-)delivery concerns (see
    `applies_to`). `error` is daticert `errore` (no-dest, no-dominio, virus, altro), None for "nessuno".
    """

    kind: str
    error: str | None
    error_detail: str | None
    gestore: str | None
    timestamp: datetime | None
    zone: str | None
    msgid: str | None
    reference_message_id: str | None
    identificativo: str | None
    recipients: tuple[PecRecipient, ...]
    delivery_address: str | None
    variant: str | None
    subject: str | None
    signature: SignatureCheck
    is_receipt: bool
    sender: str | None = None
    original_subject: str | None = None
    taken_in_charge_for: tuple[str, ...] = ()
    has_original: bool = False
    warnings: tuple[str, ...] = ()
    sha256: str = ""
    from_daticert: bool = True
    attachments: tuple[OriginalAttachment, ...] = ()

    @property
    def applies_to(self) -> tuple[str, ...]:
        """Recipient addresses whose delivery this receipt concerns: the `consegna` address for per-recipient
        receipts, the ones taken in charge for a presa-in-carico, otherwise every addressee."""
        if self.delivery_address:
            return (self.delivery_address,)
        if self.taken_in_charge_for:
            return self.taken_in_charge_for
        return tuple(r.address for r in self.recipients)

    @property
    def trusted(self) -> bool:
        """True when the event data is covered by a valid signature of an accredited PEC provider."""
        return self.signature.valid and self.signature.trusted and self.from_daticert

    def to_event(self) -> DispatchEvent | None:
        """The dispatch event this receipt proves, or None for envelopes and anomaly messages."""
        if not self.is_receipt or self.timestamp is None:
            return None
        etype = _event_type(self.kind, self.error, self.error_detail)
        details = {
            "pec_kind": self.kind,
            "identificativo": self.identificativo,
            "msgid": self.msgid,
            "reference_message_id": self.reference_message_id,
            "gestore": self.gestore,
            "error": self.error,
            "error_detail": self.error_detail,
            "recipient": self.delivery_address,
            "variant": self.variant,
            "zone": self.zone,
            "taken_in_charge_for": ",".join(self.taken_in_charge_for) or None,
            "signature": self.signature.reason,
            "sha256": self.sha256,
        }
        return DispatchEvent(etype, self.timestamp, "pec_receipt", self.trusted,
                             {k: v for k, v in details.items() if v})


def _event_type(kind: str, error: str | None, error_detail: str | None) -> EventType:
    if kind == "accettazione":
        return EventType.accepted
    if kind == "non-accettazione":
        return EventType.not_accepted
    if kind == "presa-in-carico":
        return EventType.in_transit
    if kind == "avvenuta-consegna":
        return EventType.delivered
    if kind == "rilevazione-virus":
        return EventType.virus_detected
    if kind == "preavviso-errore-consegna":
        # Aruba and Namirial send 5.4.1 as a "preavviso" although it is final (as PagoPA SEND treats it).
        if (error_detail or "").startswith("5.4.1"):
            return EventType.undeliverable
        return EventType.delivery_warning
    # errore-consegna: virus is a technical failure, the rest (no-dest, no-dominio, altro) non-delivery.
    return EventType.failed if error == "virus" else EventType.undeliverable


def _parts(message: Message, depth: int = 0) -> Iterator[Message]:
    """All MIME parts of the gestore's message, without descending into attached messages."""
    if depth > MAX_DEPTH:
        raise InputError("file", f"MIME parts nested more than {MAX_DEPTH} levels deep")
    yield message
    if message.get_content_type() == "message/rfc822":
        return
    if message.is_multipart():
        for part in subparts(message):
            yield from _parts(part, depth + 1)


def _header(message: Message, name: str) -> str | None:
    value = message.get(name)
    if value is None:
        return None
    try:
        text = str(make_header(decode_header(str(value))))
    except Exception:  # undecodable encoded-words: keep the raw header text
        text = str(value)
    return " ".join(text.split()) or None


def _load_message(raw: bytes, max_bytes: int) -> Message:
    if not isinstance(raw, (bytes, bytearray)):
        raise InputError("file", "expected the raw bytes of an .eml file")
    if not raw.strip():
        raise InputError("file", "empty file")
    if len(raw) > max_bytes:
        raise InputError("file", f"larger than the {max_bytes} bytes allowed for a receipt")
    message = email.message_from_bytes(bytes(raw))
    if not message.keys():
        raise InputError("file", "not a MIME e-mail message (no RFC 5322 headers)")
    return message


def _daticert(message: Message) -> tuple[Daticert | None, Message | None]:
    """daticert.xml and the original message (postacert.eml) of `message`; one of each at most."""
    daticert, original = None, None
    for part in _parts(message):
        check_headers(part, "a MIME part")
        if part.get_content_type() == "message/rfc822":
            if original is not None:
                raise AmbiguousMessage("more than one original message (postacert.eml)")
            inner = subparts(part)
            original = inner[0] if inner else part
            continue
        name = (part.get_filename() or part.get_param("name") or "")
        if isinstance(name, str) and name.strip().lower() == "daticert.xml":
            if daticert is not None:
                raise AmbiguousMessage("more than one daticert.xml")
            payload = decoded(part)
            if not payload:
                raise InputError("file", "daticert.xml attachment is empty")
            daticert = parse_daticert(payload)
    return daticert, original


def _raw_header(message: Message, name: str) -> str:
    """Header text, lower-cased; compat32 returns a Header object when the value has 8-bit bytes."""
    return str(message.get(name) or "").strip().lower()


def _header_kind(message: Message) -> str | None:
    ricevuta = _raw_header(message, "X-Ricevuta")
    trasporto = _raw_header(message, "X-Trasporto")
    if ricevuta:
        if ricevuta not in RECEIPT_KINDS:
            raise InputError("file", f"unknown X-Ricevuta value {ricevuta!r}")
        return ricevuta
    if trasporto:
        if trasporto not in _TRANSPORT:
            raise InputError("file", f"unknown X-Trasporto value {trasporto!r}")
        return _TRANSPORT[trasporto]
    return None


def parse_pec_receipt(raw: bytes, *, max_bytes: int = MAX_RECEIPT_BYTES,
                      trust: TrustList | None = None) -> PecReceipt:
    """Parse one PEC message as received (.eml bytes). Raises InputError(field="file") if it is not one
    or if its structure is ambiguous. `trust` defaults to the installed (else packaged) provider list."""
    message = _load_message(raw, max_bytes)
    check_headers(message, "the top-level headers")
    parts = split_signed(bytes(raw), message) if message.get_content_type() == "multipart/signed" else None
    header_kind = _header_kind(message)
    daticert, original = _daticert(parts.content_message if parts is not None else message)
    has_original = original is not None
    if header_kind is None and daticert is None:
        raise InputError("file", "not a PEC message: no X-Ricevuta/X-Trasporto header and no daticert.xml")
    warnings: list[str] = []
    kind = daticert.kind if daticert else header_kind
    assert kind is not None
    if daticert and header_kind and header_kind != kind and header_kind != ANOMALY:
        warnings.append(f"header says {header_kind!r} but the signed daticert says {kind!r}; daticert wins")
    if header_kind == ANOMALY:
        kind = ANOMALY  # the anomaly envelope wraps a message; any daticert belongs to what it wraps
    if daticert is None and kind != ANOMALY:
        warnings.append("daticert.xml missing: fields taken from unsigned headers")
    if _raw_header(message, "X-VerificaSicurezza") == "errore":
        warnings.append("X-VerificaSicurezza: errore (the gestore could not verify the envelope)")
    signature = verify_smime(parts, trust)
    timestamp, zone = (daticert.timestamp, daticert.zone) if daticert else (None, None)
    if timestamp is None and message.get("Date"):
        try:
            timestamp = parsedate_to_datetime(str(message["Date"]))
            zone = timestamp.strftime("%z") if timestamp.tzinfo else None
            warnings.append("timestamp taken from the Date header (no daticert)")
        except (TypeError, ValueError):
            timestamp = None
        if timestamp is not None and timestamp.tzinfo is None:
            timestamp, zone = None, None
    use = daticert if kind != ANOMALY else None
    return PecReceipt(
        kind=kind,
        error=use.error if use and use.error != "nessuno" else None,
        error_detail=use.error_detail if use else None,
        gestore=use.gestore if use else None,
        timestamp=timestamp,
        zone=zone,
        msgid=use.msgid if use else None,
        reference_message_id=_header(message, "X-Riferimento-Message-ID"),
        identificativo=use.identificativo if use else None,
        recipients=use.recipients if use else (),
        delivery_address=use.delivery_address if use else None,
        variant=use.variant if use else (_header(message, "X-TipoRicevuta") or None),
        subject=_header(message, "Subject"),
        signature=signature,
        is_receipt=kind in RECEIPT_KINDS,
        sender=use.sender if use else None,
        original_subject=use.subject if use else None,
        taken_in_charge_for=use.taken_in_charge_for if use else (),
        has_original=has_original,
        warnings=tuple(warnings),
        sha256=hashlib.sha256(raw).hexdigest(),
        from_daticert=use is not None,
        attachments=original_attachments(original, use.variant if use else None) if original else (),
    )
