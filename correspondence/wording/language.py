"""A language pack: locale, labels and the rules for dates, amounts and amounts in words.

Everything language-specific is data in ``templates/<lang>/language.yaml``; the code only applies it,
so adding a language is adding a folder.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import yaml
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from num2words import num2words

from ..errors import ConfigurationError, InputError
from ..packaged import available_languages, language_dir

CENT = Decimal("0.01")


@dataclass(frozen=True)
class LanguagePack:
    code: str
    locale: str
    num2words_lang: str
    amount_in_words: str
    first_of_month: str | None
    labels: dict[str, Any] = field(default_factory=dict)

    def label(self, key: str, variant: str | None = None) -> str:
        """A layout label; a mapping label is looked up by `variant` (e.g. credit type)."""
        value = self.labels.get(key)
        if isinstance(value, dict):
            value = value.get(variant or "", value.get("default"))
        if value is None:
            raise ConfigurationError(f"templates/{self.code}/language.yaml: label '{key}' missing"
                                     + (f" for '{variant}'" if variant else ""))
        return str(value)

    def article(self, name: str, prep: str = "") -> str:
        """The article a body's name takes, joined with `prep` ("di" + "il Condominio" -> "del "; "de" + "el
        Ayuntamiento" -> "del "), from `labels.articles` of language.yaml; people and companies take none
        ("di " or ""). Italian and Spanish grammar: names of public bodies and condominiums carry the article."""
        articles = self.labels.get("articles", {})
        for base, prefixes in articles.get("prefixes", {}).items():
            if name.startswith(tuple(prefixes)):
                return str(articles["forms"][base][prep])
        return f"{prep} " if prep else ""

    def gender(self, name: str) -> str | None:
        """'m' or 'f' for a body's name that takes an article ("il Comune", "la Regione"), None otherwise."""
        articles = self.labels.get("articles", {})
        return next((articles["gender"][base] for base, prefixes in articles.get("prefixes", {}).items()
                     if name.startswith(tuple(prefixes))), None)

    def on_behalf(self, name: str) -> str:
        """'in nome e per conto del Condominio Via Roma 12', 'en nombre y representación de la Comunidad ...':
        the label ends with its preposition, which joins the article of the name."""
        head, _, prep = self.label("on_behalf").rpartition(" ")
        return f"{head} {self.article(name, prep)}{name}"

    def money(self, amount: Decimal) -> str:
        return format_currency(Decimal(amount).quantize(CENT, ROUND_HALF_UP), "EUR", locale=self.locale)

    def number(self, value: Decimal, decimals: int = 2) -> str:
        pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
        return format_decimal(Decimal(value), format=pattern, locale=self.locale)

    def percent(self, value: Decimal) -> str:
        """A rate given in percent points (10.15 -> '10,15%')."""
        return f"{self.number(value, 2)}%"

    def date(self, value: dt.date) -> str:
        text = format_date(value, "long", locale=self.locale)
        if self.first_of_month and value.day == 1:
            text = text.replace("1", self.first_of_month, 1)
        return text

    def short_date(self, value: dt.date) -> str:
        return value.strftime("%d/%m/%Y")

    def words(self, amount: Decimal) -> str:
        """The amount in words, as written on demand letters ('euro milleduecentocinquanta/00')."""
        amount = Decimal(amount).quantize(CENT, ROUND_HALF_UP)
        units, cents = divmod(int(amount * 100), 100)
        return self.amount_in_words.format(
            units=num2words(units, lang=self.num2words_lang),
            cents=f"{cents:02d}",
            cents_words=num2words(cents, lang=self.num2words_lang),
            currency=num2words(amount, lang=self.num2words_lang, to="currency", currency="EUR"),
        )


@lru_cache(maxsize=None)
def language_pack(code: str) -> LanguagePack:
    path = language_dir(code) / "language.yaml"
    if not path.is_file():
        raise InputError("language", f"'{code}' is not available (available: {', '.join(available_languages())})")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return LanguagePack(
            code=code,
            locale=data["locale"],
            num2words_lang=data.get("num2words", code),
            amount_in_words=data["amount_in_words"],
            first_of_month=data.get("first_of_month"),
            labels=data.get("labels", {}),
        )
    except KeyError as exc:
        raise ConfigurationError(f"{path}: missing key {exc}") from None
