"""Postal evidence as events: carrier tracking codes/texts and the signed return card.

Poste Italiane outcome codes follow the catalogue PagoPA SEND uses for registered letters (RECRN...,
CON...); Correos tracking texts are matched on their normalised wording. Both map to the channel-agnostic
`EventType`; unknown codes are an `InputError` (a human must map them), never guessed.

Staff often know only a date (the date written on the return card): `civil_day` turns it into an aware
datetime at 00:00 in Rome or Madrid, so the legal date is that calendar day wherever it is stored.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

from ..errors import InputError
from .legal import LEGAL_ZONES
from .model import Channel, DispatchEvent, EventType

_E = EventType

#: Poste Italiane (raccomandata A/R) codes, matched on the code without its A/B/C phase suffix.
#: RECRN010 ("inesito", addressee absent) is the failed attempt at which the postman leaves the avviso di
#: giacenza, so it is a notice_left (the date art. 1335 c.c. case law counts from).
POSTE_CODES: dict[str, EventType] = {
    "CON080": _E.accepted, "CON018": _E.accepted,
    "RECRN001": _E.delivered,
    "RECRN002": _E.undeliverable,  # cause M05 = refused, see POSTE_REFUSAL_CAUSES
    "RECRN003": _E.picked_up,
    "RECRN004": _E.undeliverable,
    "RECRN005": _E.returned_unclaimed,
    "RECRN006": _E.lost,
    "RECRN010": _E.notice_left,
    "RECRN011": _E.awaiting_pickup,
    "RECRN013": _E.delivery_warning,
    "RECRN015": _E.delivery_warning,
}
POSTE_REFUSAL_CAUSES = frozenset({"M05"})
_POSTE_CODE = re.compile(r"^(CON\d{3}|RECRN\d{3})[A-F]?$")

#: Correos tracking texts (burofax, carta certificada), normalised: lower case, no accents.
CORREOS_TEXTS: dict[str, EventType] = {
    "admitido": _E.accepted,
    "en transito": _E.in_transit,
    "en camino": _E.in_transit,
    "en reparto": _E.in_transit,
    "entregado": _E.delivered,
    "ausente": _E.delivery_attempted,
    "entrega no efectuada": _E.delivery_attempted,
    "pasado a lista": _E.notice_left,
    "aviso de llegada": _E.notice_left,
    "disponible en oficina": _E.awaiting_pickup,
    "entregado en oficina": _E.picked_up,
    "no retirado": _E.returned_unclaimed,
    "caducado": _E.returned_unclaimed,
    "rehusado": _E.refused,
    "direccion incorrecta": _E.undeliverable,
    "desconocido": _E.undeliverable,
    "fallecido": _E.undeliverable,
    "se ausento": _E.undeliverable,
    "devuelto": _E.returned_to_sender,
}
_IT_POSTAL = frozenset({Channel.raccomandata_ar, Channel.raccomandata_online})
_ES_POSTAL = frozenset({Channel.burofax, Channel.carta_certificada})


def civil_day(day: date, jurisdiction: str = "IT", at: time = time(0)) -> datetime:
    """A calendar day (and optional time) in Rome/Madrid civil time, as an aware datetime."""
    zone = LEGAL_ZONES.get((jurisdiction or "").upper())
    if zone is None:
        raise InputError("jurisdiction", f"must be IT or ES, not {jurisdiction!r}")
    return datetime.combine(day, at, zone)


def _normalise(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", plain.lower()).split())


def carrier_event(channel: Channel, code: str, occurred_at: datetime, *, cause: str | None = None,
                  tracking_code: str | None = None, source: str = "carrier") -> DispatchEvent:
    """Map a carrier status (Poste code such as "RECRN005B", or Correos text such as "Rehusado") to an event."""
    channel = Channel(channel)
    raw = (code or "").strip()
    details = {"carrier_status": raw}
    if tracking_code:
        details["tracking_code"] = tracking_code.strip()
    if cause:
        details["cause"] = cause.strip().upper()
    if channel in _IT_POSTAL:
        match = _POSTE_CODE.match(raw.upper())
        if not match or match.group(1) not in POSTE_CODES:
            raise InputError("code", f"unknown Poste Italiane status code {raw!r}")
        etype = POSTE_CODES[match.group(1)]
        if match.group(1) == "RECRN002" and details.get("cause") in POSTE_REFUSAL_CAUSES:
            etype = _E.refused
            details["refused_by"] = "addressee"
    elif channel in _ES_POSTAL:
        text = _normalise(raw)
        if text not in CORREOS_TEXTS:
            raise InputError("code", f"unknown Correos status {raw!r}")
        etype = CORREOS_TEXTS[text]
    else:
        raise InputError("channel", f"{channel.value} has no carrier status codes")
    return DispatchEvent(etype, occurred_at, source, True, details)


def return_card_event(channel: Channel, signed_on: date, *, jurisdiction: str = "IT",
                      received_by: str | None = None, capacity: str | None = None,
                      scan_sha256: str | None = None, source: str = "staff") -> DispatchEvent:
    """Delivery proven by the signed return card (avviso di ricevimento / acuse de recibo).

    The date written on the card is the delivery date; `capacity` is who signed (destinatario, familiare,
    portiere...), `scan_sha256` links the stored scan.
    """
    channel = Channel(channel)
    if channel not in _IT_POSTAL | _ES_POSTAL:
        raise InputError("channel", f"{channel.value} has no return card")
    details = {"evidence": "return_card"}
    for key, value in (("received_by", received_by), ("capacity", capacity), ("scan_sha256", scan_sha256)):
        if value:
            details[key] = value.strip()
    return DispatchEvent(_E.delivered, civil_day(signed_on, jurisdiction), source, True, details)
