"""When a letter legally took effect, and when the deadline it sets expires.

Every date carries its rule: a machine code, a human explanation and the legal source, because Italian
courts are split on unclaimed mail and the firm must be able to say which line it applied.
Policies are configurable per client/portfolio (`LegalEffectPolicy`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

from ..errors import InputError
from ..model.calendar import Place
from ..model.jurisdiction import ITALY, JURISDICTIONS, SPAIN, SRC_ES_DEEMED, SRC_IT_1335, rules_for
from .model import Channel, DeliveryState, DispatchEvent, EventType

IT_UNCLAIMED_POLICIES = ITALY.legal_effect.unclaimed_policies
ES_UNCLAIMED_POLICIES = SPAIN.legal_effect.unclaimed_policies

_POSTAL = frozenset({Channel.raccomandata_ar, Channel.raccomandata_online, Channel.burofax,
                     Channel.carta_certificada})
_NOT_DELIVERED = frozenset({DeliveryState.undeliverable, DeliveryState.rejected, DeliveryState.failed,
                            DeliveryState.lost, DeliveryState.cancelled})

#: Civil time that decides which calendar day a moment falls on, whatever zone the evidence was stored in.
LEGAL_ZONES: Mapping[str, ZoneInfo] = MappingProxyType({c.value: r.zone for c, r in JURISDICTIONS.items()})

SRC_IT_890 = "art. 8 c.4 L. 890/1982 by analogy; Cass. ord. 2047/2016; Cass. 25791/2016"
SRC_IT_GIACENZA = ITALY.legal_effect.pickup_source
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

    it_unclaimed: str = ITALY.legal_effect.default_unclaimed
    es_unclaimed: str = SPAIN.legal_effect.default_unclaimed
    it_pec_after_21: bool = False

    def __post_init__(self) -> None:
        if self.it_unclaimed not in IT_UNCLAIMED_POLICIES:
            raise InputError("policy.it_unclaimed", f"must be one of {', '.join(IT_UNCLAIMED_POLICIES)}")
        if self.es_unclaimed not in ES_UNCLAIMED_POLICIES:
            raise InputError("policy.es_unclaimed", f"must be one of {', '.join(ES_UNCLAIMED_POLICIES)}")

    def unclaimed(self, jurisdiction: str) -> str:
        """The policy chosen for uncollected mail in `jurisdiction`."""
        return self.it_unclaimed if jurisdiction == ITALY.code.value else self.es_unclaimed


def _first(events: Iterable[DispatchEvent], etype: EventType) -> DispatchEvent | None:
    return next((e for e in events if e.type == etype), None)


def _actual_delivery(channel: Channel, event: DispatchEvent, jurisdiction: str,
                     policy: LegalEffectPolicy) -> LegalEffect:
    at = event.occurred_at
    if channel == Channel.pec:
        local = at.astimezone(ITALY.zone)
        if jurisdiction == ITALY.code.value and policy.it_pec_after_21 and local.time() >= time(21):
            moved = datetime.combine(local.date() + timedelta(days=1), time(7), ITALY.zone)
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
    rules = rules_for(jurisdiction).legal_effect
    if channel == Channel.hand_delivery:
        return LegalEffect(at, "hand_delivery_receipt",
                           "Handed to the addressee, date of the signed acknowledgement", rules.hand_delivery_source)
    text = rules.paper_delivered
    return LegalEffect(at, text.rule, text.explanation, text.source)


def _notice_rule(notice: DispatchEvent, jurisdiction: str, provisional: bool) -> LegalEffect:
    text = rules_for(jurisdiction).legal_effect.notice_left
    return LegalEffect(notice.occurred_at, text.rule, text.explanation, text.source, deemed=True,
                       provisional=provisional)


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
    if jurisdiction == ITALY.code.value and notice is not None:
        if policy.it_unclaimed == "notice_left":
            return _notice_rule(notice, "IT", provisional=False)
        if policy.it_unclaimed == "tenth_day":
            return _tenth_day(notice, pickup, provisional=False)
    if jurisdiction == ITALY.code.value:
        source = SRC_IT_GIACENZA if notice is not None else "art. 1335 c.c."
    else:
        source = SRC_ES_LABOUR if policy.es_unclaimed == "collection_only" else SPAIN.legal_effect.pickup_source
    return LegalEffect(pickup.occurred_at, "picked_up",
                       "Collected at the post office: actual receipt on the day of collection", source)


def _unclaimed(final: DispatchEvent | None, notice: DispatchEvent | None, jurisdiction: str,
               policy: LegalEffectPolicy) -> LegalEffect | None:
    """Legal effect of mail not (yet) collected; `final` is the unclaimed return, None while in giacenza."""
    provisional = final is None
    choice = policy.unclaimed(jurisdiction)
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
        text = rules_for(jurisdiction).legal_effect.refused
        return LegalEffect(decisive.occurred_at, text.rule, text.explanation, text.source, deemed=True)
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


def compute_deadline(effective_at: datetime, days: int, jurisdiction: str,
                     place: Place | None = None) -> tuple[date, str]:
    """Deadline = civil date of legal effect (the jurisdiction's time zone) + `days`, and the counting rule.

    Counting is `correspondence.figures.deadlines.deadline_date` (start day excluded; in Italy a term
    ending on a Sunday or holiday, national or the patron saint at `place`, moves to the next working day).
    """
    from ..figures.deadlines import RULES, deadline_date

    rules = rules_for(jurisdiction)
    start = effective_at.astimezone(rules.zone).date()  # civil date where the law applies
    return deadline_date(start, days, rules.code, place), RULES[rules.code]
