"""daticert.xml, the machine-readable part of every PEC receipt (DTD of the DM 2 November 2005 allegato).

Parsed with defusedxml: entity declarations (billion laughs) and external entities (XXE) are refused with
an `InputError`, never expanded. Tolerates what real gestori emit: UTF-16 with BOM, stray text between
elements, whitespace around `identificativo`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..errors import InputError

DATICERT_TYPES = (
    "accettazione", "non-accettazione", "presa-in-carico", "avvenuta-consegna", "posta-certificata",
    "errore-consegna", "preavviso-errore-consegna", "rilevazione-virus",
)
DATICERT_ERRORS = ("nessuno", "no-dest", "no-dominio", "virus", "altro")
RECEIPT_VARIANTS = ("completa", "breve", "sintetica")
_ZONE = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


@dataclass(frozen=True)
class PecRecipient:
    """An addressee of the original message; `kind` is "certificato" (PEC mailbox) or "esterno"."""

    address: str
    kind: str


@dataclass(frozen=True)
class Daticert:
    """The fields of one daticert.xml, as certified by the gestore."""

    kind: str
    error: str
    sender: str | None
    recipients: tuple[PecRecipient, ...]
    reply_to: str | None
    subject: str | None
    gestore: str | None
    timestamp: datetime
    zone: str
    identificativo: str | None
    msgid: str | None
    variant: str | None
    delivery_address: str | None
    taken_in_charge_for: tuple[str, ...]
    error_detail: str | None


def _bad(reason: str) -> InputError:
    return InputError("file", f"daticert.xml: {reason}")


def _text(parent: Element | None, tag: str) -> str | None:
    if parent is None:
        return None
    node = parent.find(tag)
    if node is None or node.text is None:
        return None
    value = node.text.strip()
    return value or None


FIRST_PEC_YEAR, LAST_PEC_YEAR = 2000, 2100


def parse_timestamp(giorno: str | None, ora: str | None, zona: str | None) -> tuple[datetime, str]:
    """daticert dati/data (gg/mm/aaaa, hh:mm:ss local time, zona [+-]hhmm) -> aware datetime and zone."""
    if not giorno or not ora or not zona:
        raise _bad("dati/data needs giorno, ora and the zona attribute")
    match = _ZONE.match(zona.strip())
    if not match:
        raise _bad(f"invalid zona {zona!r} (expected [+|-]hhmm)")
    sign, hours, minutes = match.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    if offset >= timedelta(hours=24):
        raise _bad(f"invalid zona {zona!r}")
    try:
        naive = datetime.strptime(f"{giorno.strip()} {ora.strip()}", "%d/%m/%Y %H:%M:%S")
    except ValueError:
        raise _bad(f"invalid giorno/ora {giorno!r} {ora!r}") from None
    if not FIRST_PEC_YEAR <= naive.year <= LAST_PEC_YEAR:  # PEC exists since DPR 68/2005
        raise _bad(f"date {giorno.strip()} is outside {FIRST_PEC_YEAR}..{LAST_PEC_YEAR}")
    tz = timezone(-offset if sign == "-" else offset)
    return naive.replace(tzinfo=tz), f"{sign}{hours}{minutes}"


def parse_daticert(xml: bytes) -> Daticert:
    """Parse daticert.xml bytes (any encoding declared or BOM-marked) into a `Daticert`."""
    try:
        root = SafeET.fromstring(xml)
    except DefusedXmlException as exc:
        raise _bad(f"refused unsafe XML ({type(exc).__name__}: entity declarations or external "
                   "references are not allowed)") from None
    except (ParseError, ValueError, LookupError) as exc:  # LookupError: unknown declared encoding
        raise _bad(f"not well-formed XML ({exc})") from None
    if root.tag != "postacert":
        raise _bad(f"root element is <{root.tag}>, expected <postacert>")
    kind = (root.get("tipo") or "").strip()
    if kind not in DATICERT_TYPES:
        raise _bad(f"unknown tipo {kind!r}")
    error = (root.get("errore") or "nessuno").strip()
    if error not in DATICERT_ERRORS:
        raise _bad(f"unknown errore {error!r}")
    head, data = root.find("intestazione"), root.find("dati")
    if head is None or data is None:
        raise _bad("missing intestazione or dati")
    recipients = tuple(
        PecRecipient((node.text or "").strip(), (node.get("tipo") or "certificato").strip())
        for node in head.findall("destinatari")
    )
    when = data.find("data")
    timestamp, zone = parse_timestamp(_text(when, "giorno"), _text(when, "ora"),
                                      when.get("zona") if when is not None else None)
    variant_node = data.find("ricevuta")
    variant = ((variant_node.get("tipo") or "").strip() or None) if variant_node is not None else None
    if variant is not None and variant not in RECEIPT_VARIANTS:
        raise _bad(f"unknown ricevuta tipo {variant!r}")
    return Daticert(
        kind=kind,
        error=error,
        sender=_text(head, "mittente"),
        recipients=recipients,
        reply_to=_text(head, "risposte"),
        subject=_text(head, "oggetto"),
        gestore=_text(data, "gestore-emittente"),
        timestamp=timestamp,
        zone=zone,
        identificativo=_text(data, "identificativo"),
        msgid=_text(data, "msgid"),
        variant=variant,
        delivery_address=_text(data, "consegna"),
        taken_in_charge_for=tuple((n.text or "").strip() for n in data.findall("ricezione")),
        error_detail=_text(data, "errore-esteso"),
    )
