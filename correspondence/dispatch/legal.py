"""When a letter legally took effect, and when the deadline it sets expires.

Every date carries its rule: a machine code, a human explanation and the legal source, because Italian
courts are split on unclaimed mail and the firm must be able to say which line it applied.
Policies are configurable per client/portfolio (`LegalEffectPolicy`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable
from zoneinfo import ZoneInfo

from ..errors import InputError
from .model import Channel, DeliveryState, DispatchEvent, EventType

IT_UNCLAIMED_POLICIES = ("notice_left", "tenth_day", "end_of_giacenza")
ES_UNCLAIMED_POLICIES = ("notice_left", "end_of_pickup_period", "collection_only")

_POSTAL = frozenset({Channel.raccomandata_ar, Channel.raccomandata_online, Channel.burofax,
                     Channel.carta_certificada})
_NOT_DELIVERED = frozenset({DeliveryState.undeliverable, DeliveryState.rejected, DeliveryState.failed,
                            DeliveryState.lost, DeliveryState.cancelled})

#: Civil time that decides which calendar day a moment falls on, whatever zone the evidence was stored in.
LEGAL_ZONES = {"IT": ZoneInfo("Europe/Rome"), "ES": ZoneInfo("Europe/Madrid")}

SRC_IT_1335 = "art. 1335 c.c.; Cass. ord. 23589/2018; Cass. 22311/2016, 16330/2016"
SRC_IT_890 = "art. 8 c.4 L. 890/1982 by analogy; Cass. ord. 2047/2016; Cass. 25791/2016"
SRC_IT_GIACENZA = "Cassazione line on postal notification: perfected at collection or at compiuta giacenza"
SRC_ES_DEEMED = "STS 89/2020 (6-2-2020); STS 493/2022 (22-6-2022); STS 4681/2025; RD 1829/1999 art. 42"
SRC_ES_LABOUR = "STS-SOC 82/2020 (29-1-2020, ECLI:ES:TS:2020:418)"
SRC_PEC = "DPR 68/2005 art. 3 and 6; D.Lgs. 82/2005 (CAD) art. 45 and 48"
SRC_PEC_21 = "art. 16-septies DL 179/2012 (procedural notifications by PEC)"
SRC_EIDAS = "Reg. (EU) 910/2014 (eIDAS) art. 43-44"


@dataclass(frozen=True)
class LegalEffect:
    """The moment a letter took legal effect for one recipient, with the rule that says so.

    `deemed` is True when the law presumes knowledge (refusal, unclaimed mail) rather than actual receipt;
    `provisional` is True while the delivery is not final and the date may still change.
    `effective_at` is None when the rule says the letter produced no effect (yet).
    """

    effective_at: datetime | None
    rule: str
    explanation: str
    source: str
    deemed: bool = False
    provisional: bool = False


@dataclass(frozen=True)
class LegalEffectPolicy:
    """Which line of case law to apply to mail that was not collected.

    it_unclaimed: notice_left (majority, art. 1335 c.c.: day the avviso di giacenza was left) |
                  tenth_day (10th day after the avviso, or pickup if earlier: art. 8 L. 890/1982 analogy) |
                  end_of_giacenza (pickup, or the day the giacenza ended).
    es_unclaimed: notice_left (aviso de llegada: refused or not collected after a proper notice produces
                  effect, STS 89/2020) | end_of_pickup_period (day it was returned as not collected) |
                  collection_only (labour dismissals: only actual collection counts, STS-SOC 82/2020).
    it_pec_after_21: move PEC deliveries after 21:00 to 07:00 next day (procedural notifications only).
    """

    it_unclaimed: str = "notice_left"
    es_unclaimed: str = "notice_left"
    it_pec_after_21: bool = False

    def __post_init__(self) -> None:
        if self.it_unclaimed not in IT_UNCLAIMED_POLICIES:
            raise InputError("policy.it_unclaimed", f"must be one of {', '.join(IT_UNCLAIMED_POLICIES)}")
        if self.es_unclaimed not in ES_UNCLAIMED_POLICIES:
            raise InputError("policy.es_unclaimed", f"must be one of {', '.join(ES_UNCLAIMED_POLICIES)}")


def _first(events: Iterable[DispatchEvent], etype: EventType) -> DispatchEvent | None:
    return next((e for e in events if e.type == etype), None)


def _actual_delivery(channel: Channel, event: DispatchEvent, jurisdiction: str,
                     policy: LegalEffectPolicy) -> LegalEffect:
    at = event.occurred_at
    if channel == Channel.pec:
        local = at.astimezone(LEGAL_ZONES["IT"])
        if jurisdiction == "IT" and policy.it_pec_after_21 and local.time() >= time(21):
            moved = datetime.combine(local.date() + timedelta(days=1), time(7), LEGAL_ZONES["IT"])
            return LegalEffect(moved, "pec_after_21_next_day",
                               "PEC delivered after 21:00: effective for the addressee at 07:00 next day",
                               SRC_PEC_21)
        return LegalEffect(at, "pec_delivery_receipt",
                           "Delivered to the recipient's PEC mailbox at the time certified in the ricevuta "
                           "di avvenuta consegna (reading is irrelevant)", SRC_PEC)
    if channel == Channel.erds:
        return LegalEffect(at, "erds_consignment",
                           "Consigned to the recipient per the ERDS evidence", SRC_EIDAS)
    if channel == Channel.certified_email:
        return LegalEffect(at, "provider_certificate_delivery",
                           "Accepted by the recipient's mail server per the provider's certificate",
                           SRC_EIDAS)
    if channel == Channel.hand_delivery:
        return LegalEffect(at, "hand_delivery_receipt",
                           "Handed to the addressee, date of the signed acknowledgement",
                           "art. 1335 c.c." if jurisdiction == "IT" else "signed acknowledgement of receipt")
    if jurisdiction == "IT":
        return LegalEffect(at, "return_card_signature",
                           "Delivered: date signed on the avviso di ricevimento (return card)", SRC_IT_1335)
    return LegalEffect(at, "acuse_de_recibo",
                       "Delivered: date on the acuse de recibo / proof of delivery", "RD 1829/1999")


def _notice_rule(notice: DispatchEvent, jurisdiction: str, provisional: bool) -> LegalEffect:
    if jurisdiction == "IT":
        return LegalEffect(notice.occurred_at, "it_notice_left",
                           "Deemed known on the day the avviso di giacenza was left; the giacenza period and "
                           "any later pickup are irrelevant (majority case law)", SRC_IT_1335,
                           deemed=True, provisional=provisional)
    return LegalEffect(notice.occurred_at, "es_notice_left",
                       "Not collected after a proper aviso de llegada: deemed notified on the day of the aviso "
                       "(burden on the addressee)", SRC_ES_DEEMED, deemed=True, provisional=provisional)


def _tenth_day(notice: DispatchEvent, pickup: DispatchEvent | None, provisional: bool) -> LegalEffect:
    tenth = notice.occurred_at + timedelta(days=10)
    if pickup is not None and pickup.occurred_at < tenth:
        return LegalEffect(pickup.occurred_at, "it_tenth_day_or_pickup",
                           "Picked up before the 10th day after the avviso di giacenza: effective at pickup",
                           SRC_IT_890)
    return LegalEffect(tenth, "it_tenth_day_or_pickup",
                       "Effective on the 10th day after the avviso di giacenza (not picked up earlier)",
                       SRC_IT_890, deemed=True, provisional=provisional)


def _no_notice() -> LegalEffect:
    return LegalEffect(None, "no_notice_evidence",
                       "No evidence of a notice of arrival left at the address: knowledge cannot be presumed",
                       SRC_IT_1335)


def _pickup(channel: Channel, pickup: DispatchEvent, notice: DispatchEvent | None, jurisdiction: str,
            policy: LegalEffectPolicy) -> LegalEffect:
    if jurisdiction == "IT" and notice is not None:
        if policy.it_unclaimed == "notice_left":
            return _notice_rule(notice, "IT", provisional=False)
        if policy.it_unclaimed == "tenth_day":
            return _tenth_day(notice, pickup, provisional=False)
    if jurisdiction == "IT":
        source = SRC_IT_GIACENZA if notice is not None else "art. 1335 c.c."
    else:
        source = SRC_ES_LABOUR if policy.es_unclaimed == "collection_only" else "RD 1829/1999 art. 42"
    return LegalEffect(pickup.occurred_at, "picked_up",
                       "Collected at the post office: actual receipt on the day of collection", source)


def _unclaimed(final: DispatchEvent | None, notice: DispatchEvent | None, jurisdiction: str,
               policy: LegalEffectPolicy) -> LegalEffect | None:
    """Legal effect of mail not (yet) collected; `final` is the unclaimed return, None while in giacenza."""
    provisional = final is None
    choice = policy.it_unclaimed if jurisdiction == "IT" else policy.es_unclaimed
    if choice == "notice_left":
        return _notice_rule(notice, jurisdiction, provisional) if notice else _no_notice()
    if choice == "tenth_day":
        return _tenth_day(notice, None, provisional) if notice else _no_notice()
    if final is None:
        return None  # the remaining policies need the end of the pickup period
    if choice == "end_of_giacenza":
        return LegalEffect(final.occurred_at, "it_end_of_giacenza",
                           "Not collected: effective when the giacenza ended (compiuta giacenza)",
                           SRC_IT_GIACENZA, deemed=True)
    if choice == "end_of_pickup_period":
        return LegalEffect(final.occurred_at, "es_end_of_pickup_period",
                           "Not collected: deemed notified when the pickup period ended", SRC_ES_DEEMED,
                           deemed=True)
    return LegalEffect(None, "es_collection_only",
                       "Not collected: under the labour-law rule only actual collection produces effect",
                       SRC_ES_LABOUR)


def compute_legal_effect(channel: Channel, state: DeliveryState, decisive: DispatchEvent | None,
                         trusted: tuple[DispatchEvent, ...], jurisdiction: str,
                         policy: LegalEffectPolicy) -> LegalEffect | None:
    """Legal effect for a replayed delivery; None while nothing can be said yet.

    A refusal counts as the addressee's unless the event's details say `refused_by` someone else.
    """
    notice = _first(trusted, EventType.notice_left)
    if state == DeliveryState.delivered and decisive is not None:
        if decisive.type == EventType.picked_up:
            return _pickup(channel, decisive, notice, jurisdiction, policy)
        return _actual_delivery(channel, decisive, jurisdiction, policy)
    if state == DeliveryState.refused and decisive is not None:
        if decisive.details.get("refused_by", "addressee") != "addressee":
            return LegalEffect(None, "refused_by_third_party",
                               "Refused by someone other than the addressee: no presumption of knowledge",
                               "Cass. 6105/2003 (art. 138 c.p.c.)")
        if jurisdiction == "IT":
            return LegalEffect(decisive.occurred_at, "refusal",
                               "Refused by the addressee: effective on the day of refusal",
                               "art. 1335 c.c.; art. 138 c.2 c.p.c. by analogy", deemed=True)
        return LegalEffect(decisive.occurred_at, "refusal",
                           "Refused (rehusado) by the addressee: deemed notified on the day of refusal", SRC_ES_DEEMED,
                           deemed=True)
    if state == DeliveryState.unclaimed and channel in _POSTAL:
        return _unclaimed(decisive, notice, jurisdiction, policy)
    if state == DeliveryState.unclaimed:
        return LegalEffect(None, "electronic_unclaimed_no_presumption",
                           "Electronic delivery not accepted before expiry: no presumption of knowledge is "
                           "applied", SRC_EIDAS)
    if state == DeliveryState.awaiting_pickup and channel in _POSTAL:
        return _unclaimed(None, notice, jurisdiction, policy) if notice else None
    if state in _NOT_DELIVERED:
        return LegalEffect(None, "not_delivered", f"No legal effect: the delivery ended as {state.value}",
                           "no delivery, no presumption of knowledge")
    return None


CALENDAR_RULE = "calendar days excluding the start day (fallback: correspondence.figures.deadlines missing)"


def compute_deadline(effective_at: datetime, days: int, jurisdiction: str) -> tuple[date, str]:
    """Deadline = civil date of legal effect (Rome/Madrid time) + `days`, and the counting rule applied.

    Counting is delegated to `correspondence.figures.deadlines.deadline_date` (start day excluded; in Italy a
    term ending on a Sunday or national holiday moves to the next working day); plain calendar days only
    if that module is missing.
    """
    start = effective_at.astimezone(LEGAL_ZONES[jurisdiction]).date()  # civil date where the law applies
    try:
        from ..figures.deadlines import RULES, deadline_date
        from ..model import Jurisdiction
    except ImportError:  # pragma: no cover - figures is part of the same package tree
        return start + timedelta(days=days), CALENDAR_RULE
    code = Jurisdiction(jurisdiction)
    return deadline_date(start, days, code), RULES[code]
