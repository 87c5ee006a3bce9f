"""One place per jurisdiction: what the rest of the code needs to know about Italy and Spain as legal systems.

Every module that used to branch on IT/ES for a fact (time zone, how a payment term is counted, which side
of the envelope the window is on, how an unclaimed letter takes effect, the general prescription) reads it
here, so adding a jurisdiction is adding one `JurisdictionRules`. Rules that need real logic (interest
regimes, prescription by credit type) stay in `figures/` and read their constants from here.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping
from zoneinfo import ZoneInfo

from .enums import Jurisdiction


@dataclass(frozen=True)
class EffectText:
    """How the law states one legal-effect outcome: machine code, explanation and legal source."""

    rule: str
    explanation: str
    source: str


@dataclass(frozen=True)
class LegalEffectRules:
    """Which line of case law applies by default to uncollected mail, which others a client may choose,
    and how the jurisdiction words the outcomes that do not depend on the channel."""

    unclaimed_policies: tuple[str, ...]
    default_unclaimed: str
    paper_delivered: EffectText
    refused: EffectText
    notice_left: EffectText
    hand_delivery_source: str
    pickup_source: str


@dataclass(frozen=True)
class JurisdictionRules:
    """The facts of one jurisdiction.

    `zone`: the civil time that decides on which calendar day a moment falls (legal effect, stamps).
    `window`: side of the address window on the usual window envelope (DL/C5 110 x 220 mm: Italian
    envelopes have the window on the right, Spanish ones on the left).
    `term_moves_past_holidays`: whether a payment term ending on a holiday moves to the next working day.
    `prescription_years` / `prescription_article`: the general (ordinary) extinctive prescription.
    """

    code: Jurisdiction
    zone: ZoneInfo
    holidays_country: str
    window: str
    term_moves_past_holidays: bool
    deadline_rule: str
    interruption_article: str
    prescription_years: int
    prescription_article: str
    legal_effect: LegalEffectRules


SRC_IT_1335 = "art. 1335 c.c.; Cass. ord. 23589/2018; Cass. 22311/2016, 16330/2016"
SRC_ES_DEEMED = "STS 89/2020 (6-2-2020); STS 493/2022 (22-6-2022); STS 4681/2025; RD 1829/1999 art. 42"

ITALY = JurisdictionRules(
    code=Jurisdiction.IT,
    zone=ZoneInfo("Europe/Rome"),
    holidays_country="IT",
    window="right",
    term_moves_past_holidays=True,
    deadline_rule="calendar days excluding the start day; a term ending on a Sunday or holiday (national, or "
                  "the patron saint of the commune where payment is due) moves to the next working day "
                  "(artt. 1182, 1187, 2963 c.c.)",
    interruption_article="art. 2943 c.4 c.c.",
    prescription_years=10,
    prescription_article="art. 2946 c.c.",
    legal_effect=LegalEffectRules(
        unclaimed_policies=("notice_left", "tenth_day", "end_of_giacenza"),
        default_unclaimed="notice_left",
        paper_delivered=EffectText("return_card_signature",
                                   "Delivered: date signed on the avviso di ricevimento (return card)", SRC_IT_1335),
        refused=EffectText("refusal", "Refused by the addressee: effective on the day of refusal",
                           "art. 1335 c.c.; art. 138 c.2 c.p.c. by analogy"),
        notice_left=EffectText("it_notice_left",
                               "Deemed known on the day the avviso di giacenza was left; the giacenza period and "
                               "any later pickup are irrelevant (majority case law)", SRC_IT_1335),
        hand_delivery_source="art. 1335 c.c.",
        pickup_source="Cassazione line on postal notification: perfected at collection or at compiuta giacenza",
    ),
)

SPAIN = JurisdictionRules(
    code=Jurisdiction.ES,
    zone=ZoneInfo("Europe/Madrid"),
    holidays_country="ES",
    window="left",
    term_moves_past_holidays=False,
    deadline_rule="calendar days excluding the start day; non-working days are not excluded (art. 5 CC)",
    interruption_article="art. 1973 CC",
    prescription_years=5,
    prescription_article="art. 1964.2 CC",
    legal_effect=LegalEffectRules(
        unclaimed_policies=("notice_left", "end_of_pickup_period", "collection_only"),
        default_unclaimed="notice_left",
        paper_delivered=EffectText("acuse_de_recibo", "Delivered: date on the acuse de recibo / proof of delivery",
                                   "RD 1829/1999"),
        refused=EffectText("refusal", "Refused (rehusado) by the addressee: deemed notified on the day of refusal",
                           SRC_ES_DEEMED),
        notice_left=EffectText("es_notice_left",
                               "Not collected after a proper aviso de llegada: deemed notified on the day of the "
                               "aviso (burden on the addressee)", SRC_ES_DEEMED),
        hand_delivery_source="signed acknowledgement of receipt",
        pickup_source="RD 1829/1999 art. 42",
    ),
)

JURISDICTIONS: Mapping[Jurisdiction, JurisdictionRules] = MappingProxyType(
    {Jurisdiction.IT: ITALY, Jurisdiction.ES: SPAIN})


def rules_for(jurisdiction: Jurisdiction | str) -> JurisdictionRules:
    """The rules of a jurisdiction given as enum or code ("IT", "es"); ValueError for an unknown one."""
    code = jurisdiction if isinstance(jurisdiction, Jurisdiction) else Jurisdiction(str(jurisdiction).upper())
    return JURISDICTIONS[code]
