"""What the case's evidence proves: formal claims, searches and their results, enforcement, payments.

Only a letter whose delivery is proven counts as a formal claim: it must have a legal-effect date
(`Action.delivered_on`, fixed by the dispatch layer from a PEC receipt, a return card or a burofax
certificate) and go by a channel that proves delivery and content. An ordinary e-mail or letter proves
neither (IT art. 1335 c.c. and the practice of art. 2943 c.c.; ES "medio que acredite fehacientemente la
reclamación", art. 80.Cuatro LIVA, art. 1973 CC).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from ..model import ASSET_SEARCHES, Action, ActionResult, ActionType, Case, DeliveryChannel

PROVABLE_CHANNELS = frozenset({
    DeliveryChannel.pec, DeliveryChannel.raccomandata_ar, DeliveryChannel.raccomandata_online,
    DeliveryChannel.burofax, DeliveryChannel.carta_certificada, DeliveryChannel.certified_email,
    DeliveryChannel.erds, DeliveryChannel.hand_delivery,
})
LETTERS = frozenset({ActionType.letter, ActionType.legal_notice})
SEARCH_TYPES = frozenset({ActionType.asset_search, ActionType.tracing, ActionType.data_check})


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's last day (art. 2963 c.c.; art. 5 CC: date to date)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def more_than_months(start: dt.date, months: int, at: dt.date) -> bool:
    """True when more than `months` have run from `start` by `at`: the period ends on the corresponding
    day, so it has elapsed from the day after (six months and one day: yes; six months less a day: no)."""
    return at > add_months(start, months)


def channel_of(action: Action) -> DeliveryChannel | None:
    try:
        return DeliveryChannel(action.channel) if action.channel else None
    except ValueError:
        return None


def is_formal_claim(action: Action, at: dt.date) -> bool:
    """A letter or legal notice delivered (legal effect on or before `at`) by a channel that proves it."""
    return (action.type in LETTERS and action.delivered_on is not None and action.delivered_on <= at
            and channel_of(action) in PROVABLE_CHANNELS)


@dataclass(frozen=True)
class Evidence:
    """The case's actions sorted by what they prove at `at`."""

    formal_claims: tuple[Action, ...]
    other_letters: tuple[Action, ...]   # letters and e-mails that do not prove a claim
    searches: tuple[Action, ...]        # asset and tracing searches
    court_claims: tuple[Action, ...]
    enforcement: tuple[Action, ...]
    recent_payment: dt.date | None      # latest payment in the six months before `at`

    @property
    def asset_searches(self) -> tuple[Action, ...]:
        return tuple(a for a in self.searches if a.type is ActionType.asset_search or a.search in ASSET_SEARCHES)

    @property
    def assets_found(self) -> tuple[Action, ...]:
        return tuple(a for a in self.searches if a.result is ActionResult.positive
                     and (a.type is ActionType.asset_search or a.search in ASSET_SEARCHES))

    @property
    def all_searches_negative(self) -> bool:
        found = self.asset_searches
        return bool(found) and all(a.result is ActionResult.negative for a in found)

    @property
    def untraceable(self) -> bool:
        return any(a.type is ActionType.tracing and a.result is ActionResult.negative for a in self.searches)

    @property
    def failed_enforcement(self) -> tuple[Action, ...]:
        return tuple(a for a in self.enforcement if a.result is ActionResult.negative)


def gather(case: Case, at: dt.date) -> Evidence:
    done = sorted((a for a in case.actions if a.date <= at), key=lambda a: a.date)
    formal = tuple(a for a in done if is_formal_claim(a, at))
    other = tuple(a for a in done if a not in formal and (a.type in LETTERS or a.type is ActionType.email))
    paid = [p.date for p in case.claim.payments if p.date <= at and not more_than_months(p.date, 6, at)]
    return Evidence(
        formal_claims=formal, other_letters=other,
        searches=tuple(a for a in done if a.type in SEARCH_TYPES or a.search is not None),
        court_claims=tuple(a for a in done if a.type is ActionType.court_claim),
        enforcement=tuple(a for a in done if a.type is ActionType.enforcement),
        recent_payment=max(paid) if paid else None,
    )
