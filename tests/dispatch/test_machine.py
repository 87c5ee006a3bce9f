"""The per-recipient state machine: lifecycles per channel, arrival order, illegal transitions, trust."""
from __future__ import annotations

import itertools
import random
from datetime import datetime

import pytest

from correspondence.dispatch import (
    CHANNEL_EVENTS,
    FINAL_STATES,
    Channel,
    DeliveryState,
    DispatchEvent,
    EventType,
    IllegalTransition,
    check_event,
    parse_pec_receipt,
    replay,
)
from correspondence.errors import CorrespondenceError, InputError
from dispatch_helpers import at, ev, pec_bytes, parse_pec

S = DeliveryState


def pec_event(name: str) -> DispatchEvent:
    event = parse_pec(pec_bytes(name)).to_event()
    assert event is not None
    return event


def raccomandata_prefix() -> list[DispatchEvent]:
    return [
        ev("submitted", "2025-03-03", "09:00", source="staff"),
        ev("accepted", "2025-03-03", "09:30", code="CON018"),
        ev("in_transit", "2025-03-04", "06:00"),
        ev("delivery_attempted", "2025-03-05", "10:00", code="RECRN010"),
        ev("notice_left", "2025-03-05", "10:00"),
        ev("awaiting_pickup", "2025-03-06", "08:00", code="RECRN011"),
    ]


def test_final_states_constant():
    assert FINAL_STATES == {S.delivered, S.refused, S.unclaimed, S.undeliverable, S.rejected, S.failed, S.lost,
                            S.cancelled}


def test_no_events_is_draft():
    status = replay(Channel.pec, [])
    assert status.state is S.draft and status.events == () and status.legal_effect is None


def test_pec_ok_with_real_receipts():
    events = [ev("submitted", "2021-12-14", "14:36", source="integration"),
              pec_event("seedoo__accettazione__accettazione__aruba-2021.eml"),
              pec_event("seedoo__conferma__avvenuta-consegna__aruba-2021.eml")]
    status = replay(Channel.pec, events, deadline_days=15)
    assert status.state is S.delivered and status.is_final
    assert status.decisive_event.details["recipient"] == "test01@pec.flosslab.it"
    assert [e.type for e in status.events] == [EventType.submitted, EventType.accepted, EventType.delivered]


def test_pec_built_lifecycle_warning_then_541_undeliverable():
    events = [pec_event("built__accettazione.eml"), pec_event("built__presa-in-carico.eml"),
              pec_event("built__preavviso-errore-consegna__12h.eml")]
    status = replay(Channel.pec, events)
    assert status.state is S.in_transit  # a 12 h preavviso is a warning, not an outcome
    status = replay(Channel.pec, [*events, pec_event("built__preavviso-errore-consegna__5.4.1.eml")])
    assert status.state is S.undeliverable and status.legal_effect.rule == "not_delivered"


def test_pec_errore_consegna_real():
    status = replay(Channel.pec, [ev("submitted", "2021-12-14", "14:54", source="integration"),
                                  pec_event("seedoo__mancata_consegna__errore-consegna-no-dest__aruba-2021.eml")],
                    deadline_days=15)
    assert status.state is S.undeliverable
    assert status.legal_effect.effective_at is None and status.deadline_at is None


def test_pec_non_accettazione_and_virus():
    assert replay(Channel.pec, [pec_event("built__non-accettazione__virus.eml")]).state is S.rejected
    status = replay(Channel.pec, [pec_event("built__accettazione.eml"), pec_event("built__rilevazione-virus.eml"),
                                  pec_event("built__errore-consegna__virus.eml")])
    assert status.state is S.failed


def test_delivery_receipt_before_acceptance_same_result():
    accepted = pec_event("built__accettazione.eml")
    delivered = pec_event("built__avvenuta-consegna__completa.eml")
    in_order = replay(Channel.pec, [accepted, delivered], deadline_days=15)
    reversed_ = replay(Channel.pec, [delivered, accepted], deadline_days=15)
    assert in_order == reversed_
    check_event(Channel.pec, [delivered], accepted)  # the acceptance arriving late is legal


def test_same_second_acceptance_and_delivery_ordered_by_rank():
    # The real seedoo receipts share 14:36:08: rank puts the acceptance first.
    accepted = pec_event("seedoo__accettazione__accettazione__aruba-2021.eml")
    delivered = pec_event("seedoo__conferma__avvenuta-consegna__aruba-2021.eml")
    assert accepted.occurred_at == delivered.occurred_at
    assert [e.type for e in replay(Channel.pec, [delivered, accepted]).events] == [EventType.accepted,
                                                                                   EventType.delivered]


@pytest.mark.parametrize("ending,state", [
    ([ev("picked_up", "2025-03-20", "11:00", code="RECRN003")], S.delivered),
    ([ev("returned_unclaimed", "2025-04-04", "08:00", code="RECRN005")], S.unclaimed),
    ([ev("returned_unclaimed", "2025-04-04", "08:00"), ev("returned_to_sender", "2025-04-09", "08:00")],
     S.unclaimed),
])
def test_raccomandata_lifecycles_any_arrival_order(ending, state):
    events = raccomandata_prefix() + ending
    expected = replay(Channel.raccomandata_ar, events, deadline_days=15)
    assert expected.state is state
    rng = random.Random(1335)
    for _ in range(60):
        shuffled = events[:]
        rng.shuffle(shuffled)
        assert replay(Channel.raccomandata_ar, shuffled, deadline_days=15) == expected


def test_all_permutations_of_a_short_history_agree():
    events = [ev("accepted", "2025-03-03"), ev("delivery_attempted", "2025-03-05"),
              ev("notice_left", "2025-03-05"), ev("picked_up", "2025-03-08")]
    results = {replay(Channel.burofax, list(p), jurisdiction="ES") for p in itertools.permutations(events)}
    assert len({(r.state, r.legal_effect) for r in results}) == 1


def test_raccomandata_delivered_and_refused():
    delivered = replay(Channel.raccomandata_ar, [ev("accepted", "2025-03-03"), ev("in_transit", "2025-03-04"),
                                                 ev("delivered", "2025-03-05", "10:00", source="staff")])
    assert delivered.state is S.delivered
    refused = replay(Channel.raccomandata_ar, [ev("accepted", "2025-03-03"), ev("refused", "2025-03-05")])
    assert refused.state is S.refused


def test_burofax_not_collected():
    events = [ev("submitted", "2025-03-03", "09:00", source="staff"), ev("accepted", "2025-03-03", "09:05"),
              ev("delivery_attempted", "2025-03-04", "11:00"), ev("delivery_attempted", "2025-03-06", "17:00"),
              ev("notice_left", "2025-03-06", "17:00"), ev("returned_unclaimed", "2025-03-21", "09:00")]
    assert replay(Channel.burofax, events, jurisdiction="ES").state is S.unclaimed
    assert replay(Channel.burofax, events[:-1], jurisdiction="ES").state is S.awaiting_pickup


def test_hand_delivery():
    status = replay(Channel.hand_delivery, [ev("delivered", "2025-03-03", "12:00", source="staff",
                                               received_by="Mario Rossi")])
    assert status.state is S.delivered
    with pytest.raises(IllegalTransition):
        replay(Channel.hand_delivery, [ev("notice_left", "2025-03-03", source="staff")])


def test_certified_email_and_erds():
    assert replay(Channel.certified_email, [ev("accepted", "2025-03-03", "10:00", source="integration"),
                                            ev("delivered", "2025-03-03", "10:01", source="integration"),
                                            ev("accessed", "2025-03-04", "09:00", source="integration")]
                  ).state is S.delivered
    erds = replay(Channel.erds, [ev("accepted", "2025-03-03", "10:00", source="integration"),
                                 ev("notice_left", "2025-03-03", "10:01", source="integration"),
                                 ev("returned_unclaimed", "2025-03-18", "10:01", source="integration")])
    assert erds.state is S.unclaimed
    assert erds.legal_effect.effective_at is None
    assert erds.legal_effect.rule == "electronic_unclaimed_no_presumption"


def test_late_pickup_after_unclaimed_is_delivered():
    events = raccomandata_prefix() + [ev("returned_unclaimed", "2025-04-04"), ev("picked_up", "2025-04-04", "12:00")]
    assert replay(Channel.raccomandata_ar, events).state is S.delivered


def test_duplicate_outcome_is_a_no_op_and_the_first_counts():
    first = ev("delivered", "2025-03-05", "10:00")
    status = replay(Channel.raccomandata_ar, [ev("accepted", "2025-03-03"), first, ev("delivered", "2025-03-06")])
    assert status.state is S.delivered and status.decisive_event == first


def test_progress_never_moves_backwards():
    status = replay(Channel.burofax, [ev("accepted", "2025-03-03"), ev("delivery_attempted", "2025-03-04"),
                                      ev("in_transit", "2025-03-05")], jurisdiction="ES")
    assert status.state is S.delivery_attempted


@pytest.mark.parametrize("channel,history,new,from_state", [
    (Channel.raccomandata_ar, [ev("accepted", "2025-03-03"), ev("delivered", "2025-03-05")],
     ev("refused", "2025-03-06"), S.delivered),
    (Channel.raccomandata_ar, [ev("accepted", "2025-03-03"), ev("refused", "2025-03-05")],
     ev("delivered", "2025-03-06"), S.refused),
    (Channel.pec, [pec_event("seedoo__mancata_consegna__errore-consegna-no-dest__aruba-2021.eml")],
     ev("delivered", "2021-12-15", source="staff"), S.undeliverable),
    (Channel.pec, [ev("accepted", "2025-03-03", source="staff")], ev("not_accepted", "2025-03-04", source="staff"),
     S.accepted),
    (Channel.raccomandata_ar, [ev("accepted", "2025-03-03")], ev("cancelled", "2025-03-04", source="staff"),
     S.accepted),
    (Channel.raccomandata_ar, [ev("accepted", "2025-03-03")], ev("picked_up", "2025-03-04"), S.accepted),
    (Channel.raccomandata_ar, [ev("accepted", "2025-03-03")], ev("returned_unclaimed", "2025-04-04"), S.accepted),
    (Channel.pec, [ev("accepted", "2025-03-03", source="staff")], ev("refused", "2025-03-04", source="staff"),
     S.accepted),
    (Channel.raccomandata_ar, [ev("accepted", "2025-03-03"), ev("notice_left", "2025-03-05"),
                               ev("returned_unclaimed", "2025-04-04")], ev("refused", "2025-04-05"), S.unclaimed),
])
def test_illegal_transitions_raise(channel, history, new, from_state):
    with pytest.raises(IllegalTransition) as info:
        check_event(channel, history, new)
    assert info.value.from_state is from_state and info.value.event_type is new.type
    assert info.value.reason
    assert isinstance(info.value, CorrespondenceError)
    with pytest.raises(IllegalTransition):
        replay(channel, [*history, new])


def test_acceptance_and_rejection_of_the_same_message_conflict_in_any_order():
    rejected, accepted = pec_event("built__non-accettazione__altro.eml"), pec_event("built__accettazione.eml")
    for history, new in (([rejected], accepted), ([accepted], rejected)):
        with pytest.raises(IllegalTransition) as info:
            check_event(Channel.pec, history, new)
        # Same second: replay applies the acceptance first (ties break on type), the rejection then conflicts.
        assert info.value.from_state is S.accepted and info.value.event_type is EventType.not_accepted


def test_event_not_on_channel_names_the_channel():
    with pytest.raises(IllegalTransition, match="does not exist on channel pec"):
        check_event(Channel.pec, [], ev("notice_left", "2025-03-03"))
    assert EventType.notice_left not in CHANNEL_EVENTS[Channel.pec]


def test_untrusted_events_never_move_the_state_and_are_not_validated():
    history = [ev("accepted", "2025-03-03")]
    forged = ev("delivered", "2025-03-04", trusted=False)
    check_event(Channel.raccomandata_ar, history, forged)
    status = replay(Channel.raccomandata_ar, [*history, forged])
    assert status.state is S.accepted and status.claimed_state is S.delivered and forged in status.events
    # A later genuine refusal is still possible: the untrusted delivery claimed nothing binding.
    assert replay(Channel.raccomandata_ar, [*history, forged, ev("refused", "2025-03-05")]).state is S.refused


def test_event_validation():
    with pytest.raises(InputError) as info:
        DispatchEvent(EventType.accepted, datetime(2025, 3, 3, 10, 0), "carrier")
    assert info.value.field == "occurred_at"
    with pytest.raises(InputError, match="source"):
        DispatchEvent(EventType.accepted, at("2025-03-03"), "pigeon")
    with pytest.raises(InputError, match="unknown event type"):
        DispatchEvent("teleported", at("2025-03-03"), "carrier")  # type: ignore[arg-type]
    event = DispatchEvent("accepted", at("2025-03-03"), "carrier", details={"code": "CON018"})  # type: ignore[arg-type]
    assert event.type is EventType.accepted
    with pytest.raises(TypeError):
        event.details["code"] = "x"  # type: ignore[index]
    assert hash(event) == hash(DispatchEvent(EventType.accepted, at("2025-03-03"), "carrier",
                                             details={"code": "CON018"}))


def test_replay_argument_errors():
    with pytest.raises(InputError, match="jurisdiction"):
        replay(Channel.pec, [], jurisdiction="FR")
    with pytest.raises(InputError, match="channel"):
        replay("pigeon_post", [])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="deadline_days"):
        replay(Channel.pec, [], deadline_days=-1)
