"""Legal effect and deadline per rule, against dates computed by hand (weekdays noted where they matter).

Deadlines are counted by correspondence.figures.deadlines: start day excluded; in Italy a term ending on a
Sunday or national holiday moves to the next day (Saturday is not a holiday); in Spain nothing moves.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from correspondence.dispatch import (
    Channel,
    DeliveryState,
    DispatchEvent,
    EventType,
    LegalEffectPolicy,
    parse_pec_receipt,
    replay,
)
from correspondence.errors import InputError
from dispatch_helpers import CET, at, ev, pec_bytes, parse_pec

IT_RACC = [
    ev("submitted", "2025-03-03", "09:00", source="staff"),
    ev("accepted", "2025-03-03", "09:30"),
    ev("delivery_attempted", "2025-03-05", "10:00"),
    ev("notice_left", "2025-03-05", "10:00"),  # Wednesday
    ev("awaiting_pickup", "2025-03-06", "08:00"),
]
PICKUP_LATE = ev("picked_up", "2025-03-20", "11:00")  # Thursday, 15 days after the notice
PICKUP_EARLY = ev("picked_up", "2025-03-08", "11:00")  # Saturday, before the 10th day
UNCLAIMED = ev("returned_unclaimed", "2025-04-04", "08:00")  # compiuta giacenza, 30 days after the notice


def status(events, policy=LegalEffectPolicy(), jurisdiction="IT", channel=Channel.raccomandata_ar, days=15):
    return replay(channel, events, deadline_days=days, jurisdiction=jurisdiction, policy=policy)


def test_pec_delivery_time_from_the_real_receipt():
    events = [parse_pec(pec_bytes(n)).to_event() for n in
              ("seedoo__accettazione__accettazione__aruba-2021.eml",
               "seedoo__conferma__avvenuta-consegna__aruba-2021.eml")]
    s = status(events, channel=Channel.pec)
    effect = s.legal_effect
    assert effect.effective_at == datetime(2021, 12, 14, 14, 36, 8, tzinfo=CET)
    assert effect.rule == "pec_delivery_receipt" and "DPR 68/2005" in effect.source and not effect.deemed
    assert s.deadline_at == date(2021, 12, 29)  # Tue 14 + 15 = Wed 29
    assert "2963" in s.deadline_rule


def test_pec_after_21_policy_moves_to_seven_next_morning():
    events = [ev("accepted", "2025-03-03", "21:29", source="pec_receipt"),
              ev("delivered", "2025-03-03", "21:30", source="pec_receipt")]
    plain = status(events, channel=Channel.pec)
    assert plain.legal_effect.effective_at == at("2025-03-03", "21:30") and plain.deadline_at == date(2025, 3, 18)
    moved = status(events, channel=Channel.pec, policy=LegalEffectPolicy(it_pec_after_21=True))
    assert moved.legal_effect.effective_at == at("2025-03-04", "07:00")
    assert moved.legal_effect.rule == "pec_after_21_next_day" and "16-septies" in moved.legal_effect.source
    assert moved.deadline_at == date(2025, 3, 19)


def test_return_card_signature_date():
    s = status([ev("accepted", "2025-03-03"), ev("delivered", "2025-03-05", "10:00", source="staff",
                                                   ar_card="signed by addressee")])
    assert s.legal_effect.effective_at == at("2025-03-05", "10:00")
    assert s.legal_effect.rule == "return_card_signature" and "1335" in s.legal_effect.source
    assert s.deadline_at == date(2025, 3, 20)


def test_deadline_ending_on_liberation_day_moves_to_saturday():
    s = status([ev("accepted", "2025-04-08"), ev("delivered", "2025-04-10", "10:00", source="staff")])
    assert s.deadline_at == date(2025, 4, 26)  # Thu 10 + 15 = Fri 25 April (holiday) -> Sat 26


def test_refusal_it_and_es():
    it = status([ev("accepted", "2025-03-03"), ev("refused", "2025-03-05", "10:00", refused_by="addressee")])
    assert it.state is DeliveryState.refused
    assert it.legal_effect.effective_at == at("2025-03-05", "10:00") and it.legal_effect.rule == "refusal"
    assert it.legal_effect.deemed and it.deadline_at == date(2025, 3, 20)
    es = status([ev("accepted", "2025-03-03"), ev("refused", "2025-03-05", "10:00")], jurisdiction="ES",
                channel=Channel.burofax, days=10)
    assert es.legal_effect.effective_at == at("2025-03-05", "10:00") and "STS 89/2020" in es.legal_effect.source
    assert es.deadline_at == date(2025, 3, 15)


def test_refusal_by_a_third_party_has_no_effect():
    s = status([ev("accepted", "2025-03-03"), ev("refused", "2025-03-05", refused_by="portiere")])
    assert s.legal_effect.effective_at is None and s.legal_effect.rule == "refused_by_third_party"
    assert s.deadline_at is None


@pytest.mark.parametrize("policy,effective,rule,deadline,deemed", [
    ("notice_left", at("2025-03-05", "10:00"), "it_notice_left", date(2025, 3, 20), True),
    # 10th day = Sat 15 March; +15 = Sun 30 March -> Mon 31
    ("tenth_day", at("2025-03-15", "10:00"), "it_tenth_day_or_pickup", date(2025, 3, 31), True),
    ("end_of_giacenza", at("2025-04-04", "08:00"), "it_end_of_giacenza", date(2025, 4, 19), True),
])
def test_it_unclaimed_each_policy(policy, effective, rule, deadline, deemed):
    s = status(IT_RACC + [UNCLAIMED], LegalEffectPolicy(it_unclaimed=policy))
    assert s.state is DeliveryState.unclaimed
    assert s.legal_effect.effective_at == effective and s.legal_effect.rule == rule
    assert s.legal_effect.deemed is deemed and not s.legal_effect.provisional
    assert s.deadline_at == deadline


@pytest.mark.parametrize("policy,pickup,effective,rule,deadline", [
    # Majority line: the notice date counts even if collected later.
    ("notice_left", PICKUP_LATE, at("2025-03-05", "10:00"), "it_notice_left", date(2025, 3, 20)),
    ("tenth_day", PICKUP_LATE, at("2025-03-15", "10:00"), "it_tenth_day_or_pickup", date(2025, 3, 31)),
    # Picked up on Sat 8 March, before the 10th day: pickup counts; +15 = Sun 23 -> Mon 24
    ("tenth_day", PICKUP_EARLY, at("2025-03-08", "11:00"), "it_tenth_day_or_pickup", date(2025, 3, 24)),
    ("end_of_giacenza", PICKUP_LATE, at("2025-03-20", "11:00"), "picked_up", date(2025, 4, 4)),
])
def test_it_picked_up_each_policy(policy, pickup, effective, rule, deadline):
    s = status(IT_RACC + [pickup], LegalEffectPolicy(it_unclaimed=policy))
    assert s.state is DeliveryState.delivered
    assert s.legal_effect.effective_at == effective and s.legal_effect.rule == rule
    assert s.deadline_at == deadline


def test_it_still_in_giacenza_gives_a_provisional_date():
    s = status(IT_RACC, LegalEffectPolicy(it_unclaimed="tenth_day"))
    assert s.state is DeliveryState.awaiting_pickup
    assert s.legal_effect.effective_at == at("2025-03-15", "10:00") and s.legal_effect.provisional
    assert status(IT_RACC, LegalEffectPolicy(it_unclaimed="end_of_giacenza")).legal_effect is None


def test_unclaimed_without_notice_evidence_has_no_effect():
    events = [ev("accepted", "2025-03-03"), ev("delivery_attempted", "2025-03-05"),
              ev("returned_unclaimed", "2025-04-04")]
    s = status(events)
    assert s.state is DeliveryState.unclaimed
    assert s.legal_effect.effective_at is None and s.legal_effect.rule == "no_notice_evidence"


ES_BUROFAX = [
    ev("submitted", "2025-03-03", "09:00", source="staff"),
    ev("accepted", "2025-03-03", "09:05"),
    ev("delivery_attempted", "2025-03-04", "11:00"),
    ev("delivery_attempted", "2025-03-06", "17:00"),
    ev("notice_left", "2025-03-06", "17:00"),  # Thursday: aviso de llegada after the 2nd attempt
]


@pytest.mark.parametrize("policy,effective,rule,deadline", [
    # +10 = Sun 16 March: Spanish civil terms do not skip non-working days
    ("notice_left", at("2025-03-06", "17:00"), "es_notice_left", date(2025, 3, 16)),
    ("end_of_pickup_period", at("2025-03-21", "09:00"), "es_end_of_pickup_period", date(2025, 3, 31)),
    ("collection_only", None, "es_collection_only", None),
])
def test_es_burofax_not_collected_each_policy(policy, effective, rule, deadline):
    s = status(ES_BUROFAX + [ev("returned_unclaimed", "2025-03-21", "09:00")],
               LegalEffectPolicy(es_unclaimed=policy), jurisdiction="ES", channel=Channel.burofax, days=10)
    assert s.state is DeliveryState.unclaimed
    assert s.legal_effect.effective_at == effective and s.legal_effect.rule == rule
    assert s.deadline_at == deadline


def test_es_collected_at_the_office_counts_from_collection():
    s = status(ES_BUROFAX + [ev("picked_up", "2025-03-10", "12:00")], jurisdiction="ES",
               channel=Channel.carta_certificada, days=10)
    assert s.legal_effect.effective_at == at("2025-03-10", "12:00") and s.legal_effect.rule == "picked_up"
    assert s.deadline_at == date(2025, 3, 20)


def test_es_delivered_on_second_attempt():
    s = status(ES_BUROFAX[:4] + [ev("delivered", "2025-03-06", "17:00")], jurisdiction="ES",
               channel=Channel.burofax, days=10)
    assert s.legal_effect.rule == "acuse_de_recibo" and s.deadline_at == date(2025, 3, 16)


def test_hand_delivery_effect():
    s = status([ev("delivered", "2025-03-03", "12:00", source="staff")], channel=Channel.hand_delivery)
    assert s.legal_effect.effective_at == at("2025-03-03", "12:00") and s.legal_effect.rule == "hand_delivery_receipt"
    assert s.deadline_at == date(2025, 3, 18)


def test_civil_date_in_rome_decides_whatever_zone_the_event_was_stored_in():
    # 23:30 UTC on 4 March is 00:30 on 5 March in Rome: the deadline runs from 5 March.
    late = DispatchEvent(EventType.delivered, datetime(2025, 3, 4, 23, 30, tzinfo=timezone.utc), "staff")
    s = status([ev("accepted", "2025-03-03"), late])
    assert s.legal_effect.effective_at == at("2025-03-05", "00:30")
    assert s.deadline_at == date(2025, 3, 20)
    # And a PEC delivery at 20:30 UTC in summer is 22:30 in Rome: after 21:00 for the procedural policy.
    pec = [DispatchEvent(EventType.delivered, datetime(2025, 7, 1, 20, 30, tzinfo=timezone.utc), "pec_receipt")]
    moved = status(pec, LegalEffectPolicy(it_pec_after_21=True), channel=Channel.pec)
    assert moved.legal_effect.effective_at == datetime(2025, 7, 2, 5, 0, tzinfo=timezone.utc)  # 07:00 CEST


@pytest.mark.parametrize("state_events", [
    [ev("not_accepted", "2025-03-03")],
    [ev("accepted", "2025-03-03"), ev("lost", "2025-03-10")],
    [ev("accepted", "2025-03-03"), ev("undeliverable", "2025-03-05", cause="M03 sconosciuto")],
])
def test_failed_outcomes_have_no_effect(state_events):
    s = status(state_events)
    assert s.legal_effect.effective_at is None and s.legal_effect.rule == "not_delivered" and s.deadline_at is None


def test_no_deadline_days_means_no_deadline():
    s = replay(Channel.raccomandata_ar, [ev("delivered", "2025-03-05")])
    assert s.legal_effect is not None and s.deadline_at is None


def test_policy_validation():
    with pytest.raises(InputError) as info:
        LegalEffectPolicy(it_unclaimed="whenever")
    assert info.value.field == "policy.it_unclaimed"
    with pytest.raises(InputError):
        LegalEffectPolicy(es_unclaimed="tenth_day")
