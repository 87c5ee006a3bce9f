"""Strict structure of a PEC message: one split of the raw bytes that both the signature check and the
data extraction use.

A gestore signs its receipts as S/MIME `multipart/signed` (RFC 1847 / RFC 8551): the signature covers the
first body part only; the top-level headers, the preamble and the epilogue are outside it. A parser that
locates the parts one way and a signature cutter that locates them another way can be made to disagree
(e.g. a `boundary=` shortened by one character matches the original boundary lines *by prefix* but not as
exact lines), so the signature is checked over one part and the data read from another. Here the body is
split once, by exact boundary lines (RFC 2046 §5.1.1), and anything ambiguous is refused: a line that
starts with the boundary without being a boundary line, more than one content part or signature part,
MIME data in the preamble or epilogue, duplicated critical headers. The signed part's bytes are then both
verified and parsed, so what the caller reads is exactly what the gestore signed.
"""
from __future__ import annotations

import email
import re
from dataclasses import dataclass
from email.message import Message

from ..errors import InputError

SIGNATURE_TYPES = ("application/pkcs7-signature", "application/x-pkcs7-signature")
#: Headers whose duplication would let two readers see two different messages (RFC 5322 §3.6 allows one).
CRITICAL_HEADERS = ("content-type", "content-transfer-encoding", "mime-version", "x-ricevuta", "x-trasporto",
                    "x-riferimento-message-id", "x-tiporicevuta", "x-verificasicurezza", "message-id", "date")
MAX_PREAMBLE = 1024
_BARE_LF = re.compile(rb"(?<!\r)\n")
_HEADER_LINE = re.compile(rb"^[!-9;-~]{1,76}:", re.MULTILINE)


class AmbiguousMessage(InputError):
    """The MIME structure can be read in more than one way: refused, never stored as evidence."""

    def __init__(self, reason: str) -> None:
        super().__init__("file", f"ambiguous MIME structure, refused: {reason}")


@dataclass(frozen=True)
class SignedParts:
    """The two parts of a top-level multipart/signed, cut from the raw bytes by exact boundary lines.

    `content` is the first part canonicalised to CRLF (the bytes the signature covers, RFC 8551 §3.1.1);
    `content_message` is that same byte string parsed, so data read from it is data that was signed.
    """

    content: bytes
    content_message: Message
    signature_der: bytes


def subparts(message: Message) -> list[Message]:
    """The parts of a multipart (or message/rfc822) part, none for a leaf; the email package types a
    payload loosely (list, str or bytes), this says which one a caller gets."""
    payload = message.get_payload()
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


def decoded(part: Message) -> bytes:
    """A leaf part's content with its transfer encoding undone (b"" for none, or for a multipart)."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def check_headers(message: Message, where: str) -> None:
    """Refuse duplicated critical headers (a reader taking the first and another the last would differ)."""
    seen: dict[str, int] = {}
    for name in message.keys():
        key = name.strip().lower()
        seen[key] = seen.get(key, 0) + 1
    dups = sorted(k for k in CRITICAL_HEADERS if seen.get(k, 0) > 1)
    if dups:
        raise AmbiguousMessage(f"duplicated header(s) {', '.join(dups)} in {where}")


def _body_start(raw: bytes) -> int:
    """Offset of the first body byte: after the first empty line that ends the header block."""
    match = re.search(rb"\r?\n\r?\n", raw)
    if match is None:
        raise AmbiguousMessage("no empty line between the headers and the body")
    return match.end()


def _delimiters(body: bytes, boundary: bytes) -> list[tuple[int, int, bool]]:
    """(start of the CRLF before the line, end of the line incl. its newline, is_close) of every exact
    boundary line; a line that only *starts* with the boundary is refused (RFC 2046 §5.1.1 forbids it)."""
    delim = b"--" + boundary
    found: list[tuple[int, int, bool]] = []
    offset = 0
    for line in body.splitlines(keepends=True):
        text = line.rstrip(b"\r\n")
        if text.startswith(delim):
            rest = text[len(delim):].rstrip(b" \t")
            if rest not in (b"", b"--"):
                raise AmbiguousMessage("a line starts with the multipart/signed boundary but is not a boundary "
                                       "line (boundary is a prefix of another boundary)")
            before = offset
            if body[max(0, offset - 2):offset] == b"\r\n":
                before = offset - 2
            elif body[max(0, offset - 1):offset] in (b"\n", b"\r"):
                before = offset - 1
            found.append((before, offset + len(line), rest == b"--"))
        offset += len(line)
    return found


def _outside_text(text: bytes, where: str) -> None:
    """Preamble and epilogue are unsigned: they may hold a short note, never MIME data."""
    stripped = text.strip()
    if not stripped:
        return
    if where == "epilogue":
        raise AmbiguousMessage("data after the closing boundary of multipart/signed")
    if len(stripped) > MAX_PREAMBLE or _HEADER_LINE.search(stripped) or re.search(rb"(?m)^--", stripped) \
            or b"daticert" in stripped.lower():
        raise AmbiguousMessage("MIME data before the signed part (preamble)")


def split_signed(raw: bytes, message: Message) -> SignedParts | None:
    """Cut `raw` (already parsed as `message`) into signed content and signature, or None when the message
    is not a complete multipart/signed (no signature part: the caller treats it as unsigned).

    Raises AmbiguousMessage when the structure could be read two ways."""
    check_headers(message, "the top-level headers")
    boundary = message.get_boundary()
    if not boundary:
        raise AmbiguousMessage("multipart/signed without a boundary parameter")
    try:
        bound = boundary.encode("ascii")
    except UnicodeEncodeError:
        raise AmbiguousMessage("non-ASCII boundary") from None
    if not 1 <= len(bound) <= 70 or bound != bound.rstrip(b" "):
        raise AmbiguousMessage("boundary of invalid length (RFC 2046: 1 to 70 characters)")
    start = _body_start(raw)
    body = raw[start:]
    delims = _delimiters(body, bound)
    parsed_parts = subparts(message)
    signature_parts = [p for p in parsed_parts if p.get_content_type() in SIGNATURE_TYPES]
    if not signature_parts:
        return None  # signature stripped (e.g. anonymised samples): unsigned, never trusted
    shape = [d[2] for d in delims]
    if shape != [False, False, True]:
        raise AmbiguousMessage(f"multipart/signed must have exactly one signed part and one signature part "
                               f"({shape.count(False)} parts found)")
    if len(parsed_parts) != 2 or len(signature_parts) != 1 or parsed_parts[1] is not signature_parts[0]:
        raise AmbiguousMessage("the MIME parser and the boundary lines disagree on the parts")
    (p0, e0, _), (p1, e1, _), (p2, e2, _) = delims
    _outside_text(body[:p0], "preamble")
    _outside_text(body[e2:], "epilogue")
    content = _BARE_LF.sub(b"\r\n", body[e0:p1])
    sig_message = email.message_from_bytes(body[e1:p2])
    check_headers(sig_message, "the signature part")
    if sig_message.get_content_type() not in SIGNATURE_TYPES:
        raise AmbiguousMessage("the second part of multipart/signed is not the pkcs7 signature")
    content_message = email.message_from_bytes(content)
    check_headers(content_message, "the signed part")
    return SignedParts(content, content_message, decoded(sig_message))
