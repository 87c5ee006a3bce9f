"""The interface language from the browser's Accept-Language (RFC 9110 §12.5.4), and dates and amounts
written the way that locale writes them (Babel, CLDR data)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

from correspondence.dispatch.legal import LEGAL_ZONES

from .messages import CATALOGUE

LANGUAGES = ("en", "it", "es")
DEFAULT = "en"


def preferred_languages(header: str | None) -> list[str]:
    """The languages of an Accept-Language header, best first (q-values; ties keep their order)."""
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(header: str | None) -> str:
    """One of `LANGUAGES` for the header (`it-IT`, `es;q=0.9` ...), English when none matches."""
    for tag in preferred_languages(header):
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT


class Texts:
    """Translation and formatting for one interface language; used as `_`, `day`, `money` in templates."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.locale = Locale.parse({"en": "en_GB", "it": "it_IT", "es": "es_ES"}[language])

    def gettext(self, message: str, **values: Any) -> str:
        """The message in this language (the English text is the key); `{name}` fields filled in."""
        text = CATALOGUE.get(message, {}).get(self.language, message) if self.language != "en" else message
        return text.format(**values) if values else text

    def term(self, group: str, value: Any) -> str:
        """An enum value (state, kind, tone, step...) in words."""
        raw = getattr(value, "value", value)
        if raw is None:
            return ""
        key = f"{group}.{raw}"
        found = CATALOGUE.get(key, {})
        return found.get(self.language) or found.get("en") or str(raw).replace("_", " ")

    def day(self, value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, dt.datetime):
            return format_date(value.astimezone(LEGAL_ZONES["IT"]).date(), "medium", locale=self.locale)
        return format_date(value, "medium", locale=self.locale)

    def instant(self, value: dt.datetime | None, jurisdiction: str = "IT") -> str:
        if value is None:
            return "—"
        zone = LEGAL_ZONES.get(jurisdiction, LEGAL_ZONES["IT"])
        return format_datetime(value, "medium", tzinfo=zone, locale=self.locale)

    def money(self, value: Decimal | str | None) -> str:
        if value is None:
            return "—"
        return format_currency(Decimal(value), "EUR", locale=self.locale)

    def helpers(self) -> dict[str, Callable[..., str] | str]:
        return {"_": self.gettext, "term": self.term, "day": self.day, "instant": self.instant,
                "money": self.money, "lang": self.language}
