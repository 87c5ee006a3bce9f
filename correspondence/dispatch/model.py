"""Vocabulary of certified dispatch: channels, per-recipient delivery states and the events that move them.

One channel-agnostic state machine serves every channel; what differs per channel is only which event
types can happen on it (`CHANNEL_EVENTS`). States are derived by replaying events (see `machine`), never
stored and mutated, so that receipts arriving out of order give the same result.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from types import MappingProxyType
from typing import Mapping

from ..errors import CorrespondenceError, InputError
from ..model.enums import DeliveryChannel


#: How the letter travels: the one channel vocabulary (`model.enums.DeliveryChannel`) under its dispatch name.
#: Only `CERTIFIED_CHANNELS` (those in `CHANNEL_EVENTS`) can be tracked: plain e-mail and ordinary mail give
#: no evidence of delivery to replay.
Channel = DeliveryChannel


class DeliveryState(str, Enum):
    """State of one recipient's delivery."""

    draft = "draft"
    submitted = "submitted"
    accepted = "accepted"
    in_transit = "in_transit"
    delivery_attempted = "delivery_attempted"
    awaiting_pickup = "awaiting_pickup"
    delivered = "delivered"
    refused = "refused"
    unclaimed = "unclaimed"
    undeliverable = "undeliverable"
    rejected = "rejected"
    failed = "failed"
    lost = "lost"
    cancelled = "cancelled"


FINAL_STATES: frozenset[DeliveryState] = frozenset(
    {
        DeliveryState.delivered,
        DeliveryState.refused,
        DeliveryState.unclaimed,
        DeliveryState.undeliverable,
        DeliveryState.rejected,
        DeliveryState.failed,
        DeliveryState.lost,
        DeliveryState.cancelled,
    }
)

#: Order of the non-final states: a progress event never moves a delivery backwards.
PROGRESS: Mapping[DeliveryState, int] = MappingProxyType(
    {
        DeliveryState.draft: 0,
        DeliveryState.submitted: 1,
        DeliveryState.accepted: 2,
        DeliveryState.in_transit: 3,
        DeliveryState.delivery_attempted: 4,
        DeliveryState.awaiting_pickup: 5,
    }
)


class EventType(str, Enum):
    """Normalised things that happen to a delivery, whatever the channel or evidence.

    submitted           handed to the channel (SMTP 250 from the PEC gestore, letter posted, burofax ordered)
    accepted            the channel accepted it (PEC accettazione, carrier acceptance / registered number)
    not_accepted        the channel refused it at submission (PEC non-accettazione) -> rejected
    in_transit          carried between operators (PEC presa-in-carico, carrier transit / "en reparto")
    delivery_warning    informational delay notice (PEC preavviso 12 h, Poste RECRN015); no state change
    delivery_attempted  a delivery attempt failed (addressee absent: "inesito", "ausente")
    notice_left         notice of arrival left and item held at the office (avviso di giacenza,
                        aviso de llegada / "pasado a lista", ERDS notification for acceptance)
    awaiting_pickup     the item is held for pickup (inizio giacenza) without a new notice
    picked_up           collected at the office -> delivered (also after unclaimed: late pickup)
    delivered           actual delivery (PEC avvenuta-consegna, signed return card, signed hand receipt)
    refused             the addressee refused it (rifiutata / rehusado, ERDS rejection by recipient)
    returned_unclaimed  not collected in time (compiuta giacenza / no retirado / ERDS expiry) -> unclaimed
    undeliverable       address or recipient problem (PEC errore-consegna no-dest, sconosciuto, trasferito)
    failed              technical failure (PEC errore-consegna virus/timeout, provider error)
    virus_detected      PEC rilevazione-virus -> failed
    lost                lost, stolen or destroyed by the carrier
    cancelled           withdrawn by the sender before the channel accepted it
    returned_to_sender  the physical item came back; annotation only, no state change
    accessed            the recipient opened/downloaded it (certified e-mail, ERDS); annotation only
    """

    submitted = "submitted"
    accepted = "accepted"
    not_accepted = "not_accepted"
    in_transit = "in_transit"
    delivery_warning = "delivery_warning"
    delivery_attempted = "delivery_attempted"
    notice_left = "notice_left"
    awaiting_pickup = "awaiting_pickup"
    picked_up = "picked_up"
    delivered = "delivered"
    refused = "refused"
    returned_unclaimed = "returned_unclaimed"
    undeliverable = "undeliverable"
    failed = "failed"
    virus_detected = "virus_detected"
    lost = "lost"
    cancelled = "cancelled"
    returned_to_sender = "returned_to_sender"
    accessed = "accessed"


_S = DeliveryState
_E = EventType

#: State an event leads to; None = annotation that never changes the state.
EVENT_TARGET: Mapping[EventType, DeliveryState | None] = MappingProxyType(
    {
        _E.submitted: _S.submitted,
        _E.accepted: _S.accepted,
        _E.not_accepted: _S.rejected,
        _E.in_transit: _S.in_transit,
        _E.delivery_warning: None,
        _E.delivery_attempted: _S.delivery_attempted,
        _E.notice_left: _S.awaiting_pickup,
        _E.awaiting_pickup: _S.awaiting_pickup,
        _E.picked_up: _S.delivered,
        _E.delivered: _S.delivered,
        _E.refused: _S.refused,
        _E.returned_unclaimed: _S.unclaimed,
        _E.undeliverable: _S.undeliverable,
        _E.failed: _S.failed,
        _E.virus_detected: _S.failed,
        _E.lost: _S.lost,
        _E.cancelled: _S.cancelled,
        _E.returned_to_sender: None,
        _E.accessed: None,
    }
)

#: Tie-break for events with the same timestamp (dates entered by staff often share midnight).
EVENT_RANK: Mapping[EventType, int] = MappingProxyType(
    {
        _E.submitted: 0,
        _E.cancelled: 1,
        _E.accepted: 2,
        _E.not_accepted: 2,
        _E.in_transit: 3,
        _E.delivery_warning: 4,
        _E.delivery_attempted: 5,
        _E.notice_left: 6,
        _E.awaiting_pickup: 7,
        _E.delivered: 8,
        _E.refused: 8,
        _E.undeliverable: 8,
        _E.failed: 8,
        _E.virus_detected: 8,
        _E.lost: 8,
        _E.returned_unclaimed: 9,
        _E.picked_up: 10,  # same day as the unclaimed return: the pickup happened, it wins
        _E.returned_to_sender: 11,
        _E.accessed: 11,
    }
)

_COMMON = frozenset({_E.submitted, _E.accepted, _E.not_accepted, _E.cancelled, _E.failed})
_POSTAL = _COMMON | {
    _E.in_transit, _E.delivery_warning, _E.delivery_attempted, _E.notice_left, _E.awaiting_pickup,
    _E.picked_up, _E.delivered, _E.refused, _E.returned_unclaimed, _E.undeliverable, _E.lost,
    _E.returned_to_sender,
}

#: Which events exist on which channel; anything else is refused as an illegal transition.
CHANNEL_EVENTS: Mapping[Channel, frozenset[EventType]] = MappingProxyType(
    {
        Channel.pec: _COMMON | {
            _E.in_transit, _E.delivery_warning, _E.delivered, _E.undeliverable, _E.virus_detected,
        },
        Channel.raccomandata_ar: frozenset(_POSTAL),
        Channel.raccomandata_online: frozenset(_POSTAL),
        Channel.burofax: frozenset(_POSTAL),
        Channel.carta_certificada: frozenset(_POSTAL),
        Channel.certified_email: _COMMON | {
            _E.in_transit, _E.delivered, _E.undeliverable, _E.refused, _E.returned_unclaimed,
            _E.accessed,
        },
        Channel.erds: _COMMON | {
            _E.in_transit, _E.notice_left, _E.delivered, _E.undeliverable, _E.refused,
            _E.returned_unclaimed, _E.accessed,
        },
        Channel.hand_delivery: frozenset(
            {_E.submitted, _E.cancelled, _E.delivery_attempted, _E.delivered, _E.refused, _E.undeliverable}
        ),
    }
)

#: Channels a dispatch can be opened on and tracked (paper channels share the postal event vocabulary).
CERTIFIED_CHANNELS: frozenset[Channel] = frozenset(CHANNEL_EVENTS)

EVENT_SOURCES = frozenset({"pec_receipt", "carrier", "staff", "integration"})


@dataclass(frozen=True)
class DispatchEvent:
    """One piece of evidence about one recipient's delivery, normalised.

    `trusted` is False when the evidence could not be authenticated (e.g. a PEC receipt whose gestore
    signature is missing or broken): such events are kept in the history but never move the state.
    `details` holds strings only (receipt ids, carrier codes, who refused, ...).
    """

    type: EventType
    occurred_at: datetime
    source: str
    trusted: bool = True
    details: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "type", EventType(self.type))
        except ValueError:
            raise InputError("type", f"unknown event type {self.type!r}") from None
        if not isinstance(self.occurred_at, datetime):
            raise InputError("occurred_at", "must be a datetime")
        if self.occurred_at.tzinfo is None or self.occurred_at.utcoffset() is None:
            raise InputError("occurred_at", "must be timezone-aware (legal dates depend on the zone)")
        if self.source not in EVENT_SOURCES:
            raise InputError("source", f"must be one of {sorted(EVENT_SOURCES)}, not {self.source!r}")
        details = dict(self.details or {})
        for key, value in details.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise InputError("details", "keys and values must be strings")
        object.__setattr__(self, "details", MappingProxyType(details))

    def sort_key(self) -> tuple[datetime, int, str, str, bool, tuple[tuple[str, str], ...]]:
        """Total order used by replay: time, then rank, then content (so input order never matters)."""
        return (
            self.occurred_at,
            EVENT_RANK[self.type],
            self.type.value,
            self.source,
            not self.trusted,
            tuple(sorted(self.details.items())),
        )


class IllegalTransition(CorrespondenceError):
    """An event that cannot happen in the state the replay has reached (the API answers 409)."""

    def __init__(self, from_state: DeliveryState, event_type: EventType, reason: str,
                 occurred_at: datetime | None = None) -> None:
        super().__init__(f"{event_type.value} not allowed in state {from_state.value}: {reason}")
        self.from_state = from_state
        self.event_type = event_type
        self.reason = reason
        self.occurred_at = occurred_at
