"""Certified dispatch: per-recipient delivery state machine, PEC receipts, legal effect and deadlines.

Pure library (no database, no HTTP). The store/API layer keeps events and calls `replay` to derive the
state; `check_event` validates an event before it is stored; `parse_pec_receipt` turns a gestore's .eml
into a `PecReceipt` whose `to_event()` feeds the machine; `carrier_event` and `return_card_event` do the same
for postal tracking statuses and signed return cards.
"""
from __future__ import annotations

from .carriers import carrier_event, civil_day, return_card_event
from .daticert import Daticert, PecRecipient, parse_daticert
from .legal import LegalEffect, LegalEffectPolicy, compute_deadline
from .machine import RecipientStatus, check_event, replay
from .model import (
    CERTIFIED_CHANNELS,
    CHANNEL_EVENTS,
    FINAL_STATES,
    Channel,
    DeliveryState,
    DispatchEvent,
    EventType,
    IllegalTransition,
)
from .pec import ANOMALY, ENVELOPE, MAX_RECEIPT_BYTES, RECEIPT_KINDS, PecReceipt, parse_pec_receipt
from .smime import SignatureCheck

__all__ = [
    "ANOMALY",
    "ENVELOPE",
    "RECEIPT_KINDS",
    "CERTIFIED_CHANNELS",
    "CHANNEL_EVENTS",
    "FINAL_STATES",
    "MAX_RECEIPT_BYTES",
    "Channel",
    "Daticert",
    "DeliveryState",
    "DispatchEvent",
    "EventType",
    "IllegalTransition",
    "LegalEffect",
    "LegalEffectPolicy",
    "PecReceipt",
    "PecRecipient",
    "RecipientStatus",
    "SignatureCheck",
    "carrier_event",
    "check_event",
    "civil_day",
    "compute_deadline",
    "parse_daticert",
    "parse_pec_receipt",
    "replay",
    "return_card_event",
]
