"""Public holidays where a term runs, from the `holidays` package plus the local days it does not hold.

Which days count (the rule each deadline applies, see `jurisdiction.JurisdictionRules`):
- Italy (art. 2963 c.3 c.c.: a term ending on a *giorno festivo* moves to the next non-festivo day):
  Sundays, the national holidays (L. 260/1949 as amended; 4 October again from 2026, L. 151/2025) and
  the patron saint's day of the commune where the term runs. A payment term runs where payment is due:
  for money, the creditor's domicile at the due date (art. 1182 c.3 c.c.). The patron saint is a holiday
  in that commune only (L. 54/1977 art. 1; Rome: DPR 792/1985), so it is applied for the communes in
  `IT_PATRON_COMMUNES` (the holidays package keys it by province, but it is the capital's saint: applying
  it to a whole province would move terms in communes where it is a working day).
- Spain: national and autonomous-community holidays (Estatuto de los Trabajadores art. 37.2; the
  holidays package, by community from the postal code's province) and the two local days each
  ayuntamiento sets (`ES_LOCAL_DAYS`, e.g. Madrid 15 May San Isidro and 9 November La Almudena). Civil
  payment terms do not skip them (art. 5.2 CC); the calendar serves the rules that count working days.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Callable, Mapping, Optional

import holidays as holidays_lib
from dateutil.easter import easter

from .enums import Jurisdiction


@dataclass(frozen=True)
class Place:
    """Where a term runs: a commune (city), its province and postal code, in a country."""

    country: str
    city: Optional[str] = None
    province: Optional[str] = None
    postal_code: Optional[str] = None

    @property
    def commune(self) -> str:
        return fold(self.city or "")


def fold(text: str) -> str:
    """Lower-case, accents and separators removed: 'Málaga', 'MALAGA' and 'malaga' compare equal."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


#: Communes whose patron saint the holidays package holds (under the province sigla given here).
IT_PATRON_COMMUNES: Mapping[str, str] = {
    "milano": "MI",    # Sant'Ambrogio, 7 December
    "torino": "TO",    # San Giovanni Battista, 24 June
    "roma": "RM",      # Santi Pietro e Paolo, 29 June
    "napoli": "NA",    # San Gennaro, 19 September
    "firenze": "FI",   # San Giovanni Battista, 24 June
    "genova": "GE",    # San Giovanni Battista, 24 June
    "venezia": "VE",   # Madonna della Salute, 21 November
    "palermo": "PA",   # Santa Rosalia, 15 July
    "bari": "BA",      # San Nicola, 6 December
    "bologna": "BO",   # San Petronio, 4 October (a national holiday too from 2026)
    "verona": "VR", "padova": "PD", "trieste": "TS", "brescia": "BS", "bergamo": "BG", "catania": "CT",
    "cagliari": "CA", "perugia": "PG", "trento": "TN", "parma": "PR", "modena": "MO",
}

_MonthDay = tuple[int, int]
_Movable = Callable[[int], date]

#: Spanish municipal holidays (two a year per municipality, art. 37.2 ET); fixed days or Easter-based ones.
ES_LOCAL_DAYS: Mapping[str, tuple[_MonthDay | _Movable, ...]] = {
    "madrid": ((5, 15), (11, 9)),                                      # San Isidro; Almudena
    "barcelona": ((9, 24), lambda y: easter(y) + timedelta(days=50)),  # La Mercè; Segunda Pascua
    "valencia": ((1, 22),),                                            # San Vicente Mártir
    "sevilla": (lambda y: easter(y) + timedelta(days=60), (5, 30)),    # Corpus; San Fernando
    "bilbao": ((7, 31),),                                              # San Ignacio
    "zaragoza": ((1, 29), (3, 5)),                                     # San Valero; Cincomarzada
}

#: Province (first two digits of the código postal) -> autonomous community code of the holidays package.
ES_COMMUNITY_BY_PROVINCE: Mapping[str, str] = {
    "01": "PV", "02": "CM", "03": "VC", "04": "AN", "05": "CL", "06": "EX", "07": "IB", "08": "CT", "09": "CL",
    "10": "EX", "11": "AN", "12": "VC", "13": "CM", "14": "AN", "15": "GA", "16": "CM", "17": "CT", "18": "AN",
    "19": "CM", "20": "PV", "21": "AN", "22": "AR", "23": "AN", "24": "CL", "25": "CT", "26": "RI", "27": "GA",
    "28": "MD", "29": "AN", "30": "MC", "31": "NC", "32": "GA", "33": "AS", "34": "CL", "35": "CN", "36": "GA",
    "37": "CL", "38": "CN", "39": "CB", "40": "CL", "41": "AN", "42": "CL", "43": "CT", "44": "AR", "45": "CM",
    "46": "VC", "47": "CL", "48": "PV", "49": "CL", "50": "AR", "51": "CE", "52": "ML",
}


@lru_cache(maxsize=256)
def _package_days(country: str, subdiv: Optional[str], year: int) -> Mapping[date, str]:
    days = holidays_lib.country_holidays(country, subdiv=subdiv, years=year, language="en_US")
    return {day: str(name) for day, name in days.items()}


def _subdivision(jurisdiction: Jurisdiction, place: Optional[Place]) -> Optional[str]:
    if place is None or place.country != jurisdiction.value:
        return None
    if jurisdiction is Jurisdiction.IT:
        return IT_PATRON_COMMUNES.get(place.commune)
    if place.postal_code and len(place.postal_code) >= 2:
        return ES_COMMUNITY_BY_PROVINCE.get(place.postal_code[:2])
    return None


def holidays_in(year: int, jurisdiction: Jurisdiction, place: Optional[Place] = None) -> dict[date, str]:
    """The public holidays of `year` (Sundays aside) that apply at `place` (national ones without it)."""
    days = dict(_package_days(jurisdiction.value, None, year))
    subdiv = _subdivision(jurisdiction, place)
    if subdiv is not None:
        days.update(_package_days(jurisdiction.value, subdiv, year))
    if jurisdiction is Jurisdiction.ES and place is not None and place.country == "ES":
        for local in ES_LOCAL_DAYS.get(place.commune, ()):
            day = local(year) if callable(local) else date(year, *local)
            days.setdefault(day, "local holiday")
    return days


def is_holiday(day: date, jurisdiction: Jurisdiction, place: Optional[Place] = None) -> bool:
    """Sunday or a public holiday at `place` (Saturdays are working days for civil terms)."""
    return day.weekday() == 6 or day in holidays_in(day.year, jurisdiction, place)
