"""Shared pydantic configuration and the bounded value types every input goes through.

Limits are refused at the door, with the field named, rather than failing later in a renderer or a
database: text without control characters (PostgreSQL refuses NUL), amounts with at most 12 integer
digits and 2 decimals, business dates and instants within a plausible range.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, WithJsonSchema, field_validator,
)

# C0 controls except tab, LF and CR; DEL; C1 controls; lone surrogates (not encodable as UTF-8)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"

MONEY_INTEGER_DIGITS = 12
MONEY_PATTERN = r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$"
FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
MAX_OFFSET = dt.timedelta(hours=14)  # UTC-12 .. UTC+14 are the offsets in use


def control_character(value: str) -> str | None:
    """The first forbidden character of `value` as ``U+XXXX``, or None."""
    found = _CONTROL.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def check_text(value: Any) -> Any:
    """Refuse control characters in a string, or in the strings of a list/dict (keys included)."""
    if isinstance(value, str):
        bad = control_character(value)
        if bad:
            raise ValueError(f"contains the control character {bad}; only tab and line breaks are allowed")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key)
            check_text(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            check_text(item)
    return value


class CleanText(BaseModel):
    """Mixin: every text field of the model (and of its lists and dicts) is free of control characters."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        return check_text(value)


class Model(CleanText):
    """Base for every case object: unknown fields are refused so typos surface as errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False, use_enum_values=False)


def decimal_places(value: Decimal) -> int:
    """Digits written after the point of a finite Decimal (``1.250`` -> 3, ``12`` -> 0, ``1E+2`` -> 0)."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):  # "n", "N" or "F": NaN or Infinity
        raise ValueError("not a finite number")
    return max(0, -exponent)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("amounts must be decimal strings such as \"1250.00\", not floating-point numbers")
    if isinstance(value, (int, Decimal)):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        if not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]*)?", text):
            raise ValueError(f"'{value[:40]}' is not a decimal amount (digits with a dot: 1250.00)")
        try:
            result = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            raise ValueError(f"'{value[:40]}' is not a decimal amount (use a dot: 1250.00)") from None
    else:
        raise ValueError("expected a decimal amount")
    if not result.is_finite():
        raise ValueError("amount must be a finite number")
    if decimal_places(result) > 2:
        raise ValueError("amount has more than two decimal places")
    if result != 0 and result.adjusted() >= MONEY_INTEGER_DIGITS:
        raise ValueError(f"amount has more than {MONEY_INTEGER_DIGITS} digits before the decimal point")
    return result


Money = Annotated[Decimal, BeforeValidator(_to_decimal), WithJsonSchema(
    {"type": "string", "pattern": MONEY_PATTERN, "examples": ["1250.00"],
     "description": "Euro amount as a decimal string: up to 12 digits, a dot and up to 2 decimals"})]
"""A euro amount: at most 12 integer digits and two decimals; floats are refused to keep cents exact."""


def _to_day(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD), not a date-time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*", value):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value.strip()}' is not a calendar date") from None
    raise ValueError("dates must be ISO 8601 strings (YYYY-MM-DD)")


def _day_in_range(value: dt.date) -> dt.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"date {value.isoformat()} is outside {FIRST_DAY.isoformat()}..{LAST_DAY.isoformat()}")
    return value


Day = Annotated[dt.date, BeforeValidator(_to_day), AfterValidator(_day_in_range), WithJsonSchema(
    {"type": "string", "format": "date",
     "pattern": r"^(199[0-9]|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
     "description": "ISO 8601 date between 1990-01-01 and 2100-12-31"})]
"""A business date (letter, invoice, payment, action...): an ISO string between 1990 and 2100."""


def _instant_in_range(value: dt.datetime) -> dt.datetime:
    offset = value.utcoffset()
    if offset is None:  # pragma: no cover - AwareDatetime guarantees it
        raise ValueError("must include the UTC offset")
    if abs(offset) > MAX_OFFSET:
        raise ValueError("UTC offset beyond ±14:00")
    if not FIRST_DAY <= value.date() <= LAST_DAY:
        raise ValueError(f"year {value.year} is outside {FIRST_DAY.year}..{LAST_DAY.year}")
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_instant_in_range)]
"""A moment with its UTC offset (within ±14:00), between 1990 and 2100."""


class FieldError(ValueError):
    """Raised by a model-level validator about one of its sub-fields, so errors name the exact field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
