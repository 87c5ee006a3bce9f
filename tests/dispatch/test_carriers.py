"""Postal evidence: Poste/Correos statuses and return cards become events that replay to the right outcome."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from correspondence.dispatch import (
    Channel,
    DeliveryState,
    EventType,
    LegalEffectPolicy,
    carrier_event,
    civil_day,
    replay,
    return_card_event,
)
from correspondence.errors import InputError

ROME = civil_day(date(2025, 3, 5)).tzinfo


def poste(code, day, cause=None):
    return carrier_event(Channel.raccomandata_ar, code, civil_day(date.fromisoformat(day), "IT"), cause=cause,
                         tracking_code="RA123456789IT")


@pytest.mark.parametrize("code,cause,etype", [
    ("CON018", None, EventType.accepted),
    ("RECRN010", None, EventType.notice_left),
    ("RECRN011", None, EventType.awaiting_pickup),
    ("RECRN001C", None, EventType.delivered),
    ("RECRN003B", None, EventType.picked_up),
    ("RECRN005A", None, EventType.returned_unclaimed),
    ("RECRN002A", "M05", EventType.refused),
    ("RECRN002B", "M03", EventType.undeliverable),
    ("RECRN002E", None, EventType.undeliverable),
    ("RECRN006", "F02", EventType.lost),
    ("recrn015", None, EventType.delivery_warning),
])
def test_poste_codes(code, cause, etype):
    event = poste(code, "2025-03-05", cause)
    assert event.type is etype and event.source == "carrier"
    assert event.details["tracking_code"] == "RA123456789IT" and event.details["carrier_status"] == code


def test_poste_refusal_records_the_addressee():
    assert poste("RECRN002C", "2025-03-05", "m05").details == {
        "carrier_status": "RECRN002C", "tracking_code": "RA123456789IT", "cause": "M05", "refused_by": "addressee"}


def test_poste_compiuta_giacenza_lifecycle_with_tenth_day_policy():
    events = [poste("CON018", "2025-03-03"), poste("RECRN010", "2025-03-05"), poste("RECRN011", "2025-03-06"),
              poste("RECRN005A", "2025-04-04")]
    status = replay(Channel.raccomandata_ar, events, deadline_days=15,
                    policy=LegalEffectPolicy(it_unclaimed="tenth_day"))
    assert status.state is DeliveryState.unclaimed
    assert status.legal_effect.effective_at == datetime(2025, 3, 15, tzinfo=ROME)
    assert status.deadline_at == date(2025, 3, 31)  # Sun 30 March -> Mon 31


@pytest.mark.parametrize("text,etype", [
    ("Admitido", EventType.accepted), ("En reparto", EventType.in_transit),
    ("Entrega no efectuada - Ausente", None), ("Ausente", EventType.delivery_attempted),
    ("Pasado a lista", EventType.notice_left), ("Entregado en oficina", EventType.picked_up),
    ("No retirado", EventType.returned_unclaimed), ("REHUSADO", EventType.refused),
    ("Dirección incorrecta", EventType.undeliverable), ("Se ausentó", EventType.undeliverable),
    ("Devuelto", EventType.returned_to_sender),
])
def test_correos_texts(text, etype):
    when = civil_day(date(2025, 3, 6), "ES")
    if etype is None:
        with pytest.raises(InputError, match="unknown Correos status"):
            carrier_event(Channel.burofax, text, when)
        return
    assert carrier_event(Channel.burofax, text, when).type is etype


def test_correos_refused_burofax_takes_effect_on_refusal():
    madrid = lambda d: civil_day(date.fromisoformat(d), "ES")  # noqa: E731
    events = [carrier_event(Channel.burofax, "Admitido", madrid("2025-03-03")),
              carrier_event(Channel.burofax, "Rehusado", madrid("2025-03-05"))]
    status = replay(Channel.burofax, events, deadline_days=10, jurisdiction="ES")
    assert status.state is DeliveryState.refused and status.deadline_at == date(2025, 3, 15)


def test_return_card_date_is_the_delivery_day_in_rome():
    card = return_card_event(Channel.raccomandata_ar, date(2025, 3, 5), received_by="Mario Rossi",
                             capacity="familiare convivente", scan_sha256="ab" * 32)
    assert card.type is EventType.delivered and card.source == "staff"
    assert card.occurred_at == datetime(2025, 3, 4, 23, 0, tzinfo=timezone.utc)
    assert card.details["capacity"] == "familiare convivente"
    status = replay(Channel.raccomandata_ar, [poste("CON018", "2025-03-03"), card], deadline_days=15)
    assert status.legal_effect.rule == "return_card_signature" and status.deadline_at == date(2025, 3, 20)


def test_summer_time_civil_day():
    assert civil_day(date(2025, 7, 1)).utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("call", [
    lambda: carrier_event(Channel.raccomandata_ar, "RECRN999", civil_day(date(2025, 3, 3))),
    lambda: carrier_event(Channel.raccomandata_ar, "Entregado", civil_day(date(2025, 3, 3))),
    lambda: carrier_event(Channel.pec, "CON018", civil_day(date(2025, 3, 3))),
    lambda: return_card_event(Channel.pec, date(2025, 3, 3)),
    lambda: civil_day(date(2025, 3, 3), "FR"),
])
def test_unknown_codes_and_channels_are_input_errors(call):
    with pytest.raises(InputError):
        call()
