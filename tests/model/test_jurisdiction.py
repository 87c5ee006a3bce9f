"""One vocabulary per concept: one channel enum, one record per jurisdiction, holidays from `holidays`."""
from __future__ import annotations

from datetime import date

import pytest

from correspondence.dispatch import CERTIFIED_CHANNELS, CHANNEL_EVENTS, Channel
from correspondence.dispatch.legal import LEGAL_ZONES
from correspondence.errors import InputError
from correspondence.model import DeliveryChannel, Jurisdiction
from correspondence.model.calendar import Place, holidays_in, is_holiday
from correspondence.model.jurisdiction import JURISDICTIONS, rules_for

IT, ES = Jurisdiction.IT, Jurisdiction.ES
MILANO, TORINO, ROMA = Place("IT", "Milano", "MI", "20121"), Place("IT", "Torino", "TO", "10122"), \
    Place("IT", "Roma", "RM", "00184")
SESTO = Place("IT", "Sesto San Giovanni", "MI", "20099")  # province of Milan, not the commune
MADRID, BARCELONA = Place("ES", "Madrid", "Madrid", "28001"), Place("ES", "Barcelona", "Barcelona", "08001")
SEVILLA = Place("ES", "Sevilla", "Sevilla", "41001")


def test_one_channel_enum():
    assert Channel is DeliveryChannel
    assert set(CHANNEL_EVENTS) == set(CERTIFIED_CHANNELS) < set(DeliveryChannel)
    # no tracked evidence yet for these (a notarial requerimiento is proven by the acta, recorded by hand)
    assert {c.value for c in set(DeliveryChannel) - CERTIFIED_CHANNELS} == {"email", "ordinary_mail",
                                                                           "requerimiento_notarial"}


def test_untracked_channel_cannot_be_replayed():
    from correspondence.dispatch import replay

    with pytest.raises(InputError) as exc:
        replay(Channel.email, [])
    assert exc.value.field == "channel" and "evidence of delivery" in str(exc.value)


def test_every_jurisdiction_has_its_rules():
    assert set(JURISDICTIONS) == set(Jurisdiction)
    assert rules_for("it").zone.key == "Europe/Rome" and rules_for(ES).zone.key == "Europe/Madrid"
    assert LEGAL_ZONES == {"IT": rules_for(IT).zone, "ES": rules_for(ES).zone}
    assert (rules_for(IT).window, rules_for(ES).window) == ("right", "left")
    assert rules_for(IT).term_moves_past_holidays and not rules_for(ES).term_moves_past_holidays
    assert (rules_for(IT).prescription_years, rules_for(ES).prescription_years) == (10, 5)
    with pytest.raises(ValueError):
        rules_for("FR")


@pytest.mark.parametrize("day", [
    date(2026, 4, 6), date(2027, 3, 29), date(2025, 4, 21),  # Lunedì dell'Angelo
    date(2026, 12, 8), date(2026, 8, 15), date(2026, 4, 25), date(2026, 6, 2), date(2026, 12, 26),
    date(2027, 10, 4),  # San Francesco, national again from 2026 (L. 151/2025)
])
def test_italian_national_holidays(day):
    assert is_holiday(day, IT)


def test_italian_working_days():
    assert not is_holiday(date(2026, 3, 21), IT)  # a Saturday
    assert not is_holiday(date(2025, 10, 3), IT)
    assert not is_holiday(date(2026, 12, 7), IT)  # Sant'Ambrogio is Milan's, not Italy's


@pytest.mark.parametrize("place,day", [(MILANO, date(2026, 12, 7)), (TORINO, date(2026, 6, 24)),
                                       (ROMA, date(2026, 6, 29))])
def test_italian_patron_saints_of_the_commune(place, day):
    assert is_holiday(day, IT, place)
    assert not is_holiday(day, IT)
    others = [p for p in (MILANO, TORINO, ROMA) if p is not place]
    assert not any(is_holiday(day, IT, p) for p in others)


def test_patron_saint_not_applied_to_the_whole_province():
    assert not is_holiday(date(2026, 12, 7), IT, SESTO)


def test_spanish_national_regional_and_local_holidays():
    assert is_holiday(date(2027, 12, 6), ES)  # Día de la Constitución (a Monday in 2027)
    assert is_holiday(date(2026, 12, 8), ES) and is_holiday(date(2026, 10, 12), ES)
    assert is_holiday(date(2026, 5, 2), ES, MADRID) and not is_holiday(date(2026, 5, 2), ES, BARCELONA)
    assert is_holiday(date(2026, 12, 7), ES, MADRID)  # 6 Dec 2026 is a Sunday: Madrid moves it to Monday
    assert is_holiday(date(2026, 9, 11), ES, BARCELONA) and not is_holiday(date(2026, 9, 11), ES, MADRID)
    assert is_holiday(date(2026, 4, 6), ES, BARCELONA) and not is_holiday(date(2026, 4, 6), ES, MADRID)
    assert "Andalusia" in holidays_in(2026, ES, SEVILLA)[date(2026, 2, 28)]
    assert is_holiday(date(2026, 5, 15), ES, MADRID) and is_holiday(date(2026, 11, 9), ES, MADRID)
    assert is_holiday(date(2026, 9, 24), ES, BARCELONA) and not is_holiday(date(2026, 5, 15), ES, BARCELONA)
