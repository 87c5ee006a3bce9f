"""Replay of a recipient's events into its delivery state, legal effect and deadline.

The state is never stored: it is recomputed from all events ordered by (occurred_at, rank), so a delivery
receipt that arrives before the acceptance gives the same result as the natural order. A new event is
validated by replaying the full history with it (`check_event`).

Rules (besides the per-channel event list in `model.CHANNEL_EVENTS`):

* Untrusted events (unsigned or tampered PEC receipts, ...) are kept in `events` but never change the
  state or the legal dates; `RecipientStatus.claimed_state` shows what they would claim.
* Progress events (submitted ... awaiting_pickup) never move a delivery backwards; once a later stage or
  a final outcome is recorded they are history only (gestori clocks differ by a second or two).
* Final states are sticky: a different outcome afterwards is an `IllegalTransition`. Exceptions: the same
  outcome again is a no-op (duplicate evidence), and `picked_up` after `unclaimed` is a late pickup.
* `not_accepted` and `cancelled` are only possible before the channel accepted the item.
* `picked_up` and `returned_unclaimed` need a prior delivery attempt or notice (no deemed delivery without
  a notice left at the address).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from ..errors import InputError
from ..model.calendar import Place
from .legal import LegalEffect, LegalEffectPolicy, compute_deadline, compute_legal_effect
from .model import (
    CERTIFIED_CHANNELS,
    CHANNEL_EVENTS,
    EVENT_TARGET,
    FINAL_STATES,
    PROGRESS,
    Channel,
    DeliveryState,
    DispatchEvent,
    EventType,
    IllegalTransition,
)

_BEFORE_ACCEPTANCE = frozenset({DeliveryState.draft, DeliveryState.submitted})
_AFTER_NOTICE = frozenset({DeliveryState.delivery_attempted, DeliveryState.awaiting_pickup})


@dataclass(frozen=True)
class RecipientStatus:
    """Derived status of one recipient's delivery.

    `decisive_event` is the trusted event that put the delivery in its current state (None for draft).
    `claimed_state` is the state the untrusted events would lead to, when it differs from `state`.
    `deadline_rule` says how `deadline_at` was counted (from `correspondence.figures.deadlines`).
    """

    state: DeliveryState
    events: tuple[DispatchEvent, ...]
    legal_effect: LegalEffect | None
    deadline_at: date | None
    decisive_event: DispatchEvent | None = None
    claimed_state: DeliveryState | None = None
    deadline_rule: str | None = None

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES


def _step(channel: Channel, state: DeliveryState, event: DispatchEvent) -> DeliveryState:
    """Return the state after `event`, or raise IllegalTransition."""
    etype = event.type
    if etype not in CHANNEL_EVENTS[channel]:
        raise IllegalTransition(state, etype, f"event does not exist on channel {channel.value}", event.occurred_at)
    target = EVENT_TARGET[etype]
    if target is None:  # annotation
        return state
    if state in FINAL_STATES:
        if target == state:
            return state  # the same outcome twice: duplicate evidence, first one counts
        if state == DeliveryState.unclaimed and etype == EventType.picked_up:
            return DeliveryState.delivered  # late pickup after the unclaimed report
        if target not in FINAL_STATES and etype not in (EventType.not_accepted, EventType.cancelled):
            return state  # late progress record, history only
        raise IllegalTransition(state, etype, f"{state.value} is final; evidence conflicts with it",
                                event.occurred_at)
    if etype in (EventType.not_accepted, EventType.cancelled) and state not in _BEFORE_ACCEPTANCE:
        raise IllegalTransition(state, etype, "only possible before the channel accepted the item",
                                event.occurred_at)
    if etype in (EventType.picked_up, EventType.returned_unclaimed) and state not in _AFTER_NOTICE:
        raise IllegalTransition(state, etype, "requires a prior delivery attempt or notice of arrival",
                                event.occurred_at)
    if target not in FINAL_STATES and PROGRESS[target] < PROGRESS[state]:
        return state  # never move backwards
    return target


def _run(channel: Channel, ordered: tuple[DispatchEvent, ...]) -> tuple[DeliveryState, DispatchEvent | None]:
    state, decisive = DeliveryState.draft, None
    for event in ordered:
        if not event.trusted:
            continue
        new = _step(channel, state, event)
        if new != state:
            state, decisive = new, event
    return state, decisive


def _claimed(channel: Channel, ordered: tuple[DispatchEvent, ...], state: DeliveryState) -> DeliveryState | None:
    if all(e.trusted for e in ordered):
        return None
    believed = tuple(DispatchEvent(e.type, e.occurred_at, e.source, True, e.details) for e in ordered)
    try:
        claimed, _ = _run(channel, believed)
    except IllegalTransition:
        return None
    return claimed if claimed != state else None


def _check_args(channel: Channel, jurisdiction: str, deadline_days: int | None) -> tuple[Channel, str]:
    try:
        channel = Channel(channel)
    except ValueError:
        raise InputError("channel", f"unknown channel {channel!r}") from None
    if channel not in CERTIFIED_CHANNELS:
        raise InputError("channel", f"{channel.value} gives no evidence of delivery and cannot be tracked")
    jurisdiction = (jurisdiction or "").upper()
    if jurisdiction not in ("IT", "ES"):
        raise InputError("jurisdiction", f"must be IT or ES, not {jurisdiction!r}")
    if deadline_days is not None and (not isinstance(deadline_days, int) or deadline_days < 0):
        raise InputError("deadline_days", "must be a non-negative integer")
    return channel, jurisdiction


def replay(
    channel: Channel,
    events: Iterable[DispatchEvent],
    *,
    deadline_days: int | None = None,
    jurisdiction: str = "IT",
    policy: LegalEffectPolicy = LegalEffectPolicy(),
    place: Place | None = None,
) -> RecipientStatus:
    """Derive a recipient's state, legal effect and deadline from all its events (any arrival order);
    `place` is where the term runs (the creditor's domicile), for its local holidays."""
    channel, jurisdiction = _check_args(channel, jurisdiction, deadline_days)
    ordered = tuple(sorted(events, key=DispatchEvent.sort_key))
    state, decisive = _run(channel, ordered)
    trusted = tuple(e for e in ordered if e.trusted)
    effect = compute_legal_effect(channel, state, decisive, trusted, jurisdiction, policy)
    deadline = deadline_rule = None
    if effect is not None and effect.effective_at is not None and deadline_days is not None:
        deadline, deadline_rule = compute_deadline(effect.effective_at, deadline_days, jurisdiction, place)
    return RecipientStatus(
        state=state,
        events=ordered,
        legal_effect=effect,
        deadline_at=deadline,
        decisive_event=decisive,
        claimed_state=_claimed(channel, ordered, state),
        deadline_rule=deadline_rule,
    )


def check_event(channel: Channel, events: Iterable[DispatchEvent], new_event: DispatchEvent) -> None:
    """Raise IllegalTransition if `new_event` cannot join `events` (validated against the full replay)."""
    channel, _ = _check_args(channel, "IT", None)
    ordered = tuple(sorted([*events, new_event], key=DispatchEvent.sort_key))
    _run(channel, ordered)
