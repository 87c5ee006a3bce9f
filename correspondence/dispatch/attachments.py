"""What a ricevuta di avvenuta consegna says was delivered, and whether it is the dispatched document.

A ricevuta *completa* carries the original message (postacert.eml) with its attachments; a *breve* carries
the original with each attachment replaced by its hash; a *sintetica* carries only daticert (DM 2 novembre
2005, allegato, and certified-dispatch.md §1.3). So only completa and breve can prove *which* document was
delivered; the sender of a breve must keep the originals to match the hashes. The hash file format of a
breve is not in our sources: a replaced attachment is recognised as a part whose whole text is a SHA-1 or
SHA-256 digest (hex or base64), which is what the gestori samples we know of use.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from email.message import Message

from .mime import decoded, subparts

_HEX = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
MAX_DEPTH = 40


@dataclass(frozen=True)
class OriginalAttachment:
    """One attachment of the original message inside a receipt: its bytes' SHA-256 (completa), or the
    digest the gestore put in its place (breve, `digest` lower-case hex)."""

    filename: str | None
    media_type: str
    sha256: str | None = None
    digest: str | None = None


def _digest_text(payload: bytes) -> str | None:
    text = payload.strip().decode("ascii", "replace")
    if _HEX.fullmatch(text):
        return text.lower()
    if len(text) in (28, 44):  # base64 of 20 or 32 bytes
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return None
        if len(raw) in (20, 32):
            return raw.hex()
    return None


def _leaves(message: Message, depth: int = 0) -> list[Message]:
    if depth > MAX_DEPTH:
        return []
    if message.is_multipart():
        out: list[Message] = []
        for part in subparts(message):
            out.extend(_leaves(part, depth + 1))
        return out
    return [message]


def original_attachments(original: Message, variant: str | None) -> tuple[OriginalAttachment, ...]:
    """The attachments of the original message `original` (postacert.eml) as carried by the receipt."""
    found: list[OriginalAttachment] = []
    for part in _leaves(original):
        filename = part.get_filename()
        disposition = (part.get_content_disposition() or "").lower()
        media_type = part.get_content_type()
        if not filename and disposition != "attachment" and media_type.startswith(("text/", "multipart/")):
            continue  # the body text of the original, not an attachment
        payload = decoded(part)
        digest = _digest_text(payload) if variant == "breve" or len(payload) <= 100 else None
        if digest is not None and variant != "completa":
            found.append(OriginalAttachment(filename, media_type, digest=digest))
        else:
            found.append(OriginalAttachment(filename, media_type, sha256=hashlib.sha256(payload).hexdigest()))
    return tuple(found)


def matches_document(attachments: tuple[OriginalAttachment, ...], document: bytes) -> bool | None:
    """True when one attachment is the document (same SHA-256, or the breve digest of its bytes); False
    when the receipt lists attachments and none is it; None when the receipt carries none (sintetica, Cc
    recipient without the original): nothing to compare."""
    if not attachments:
        return None
    sha256 = hashlib.sha256(document).hexdigest()
    sha1 = hashlib.sha1(document).hexdigest()
    return any(a.sha256 == sha256 or a.digest in (sha256, sha1) for a in attachments)
