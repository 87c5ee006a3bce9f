"""Reading the values staff type into forms: each bad value is an `InputError` naming its field."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TypeVar

from fastapi import Depends, Request

from correspondence.errors import InputError

from .session import check_csrf

E = TypeVar("E", bound=Enum)


async def _csrf(request: Request) -> None:
    await check_csrf(request)


#: every POST of the pages carries the session's CSRF token (403 otherwise)
CSRF = [Depends(_csrf)]


def text(value: str | None, field: str, *, required: bool = False, max_length: int = 300) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise InputError(field, "is required")
        return None
    if len(value) > max_length:
        raise InputError(field, f"at most {max_length} characters")
    if any(ord(c) < 32 for c in value):
        raise InputError(field, "must not contain control characters")
    return value


def day(value: str | None, field: str, *, default: dt.date | None = None) -> dt.date:
    raw = (value or "").strip()
    if not raw and default is not None:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError(field, "must be a date (YYYY-MM-DD)") from None


def optional_day(value: str | None, field: str) -> dt.date | None:
    return day(value, field) if (value or "").strip() else None


def amount(value: str | None, field: str, *, required: bool = True) -> Decimal | None:
    """A euro amount as typed: `1250.00`, `1.250,00` or `1250,5`."""
    raw = (value or "").strip().replace(" ", "").replace("€", "")
    if not raw:
        if required:
            raise InputError(field, "is required")
        return None
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise InputError(field, "must be an amount such as 1250.00") from None
    if not number.is_finite() or number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InputError(field, "must be an amount in euro with at most two decimals")
    return number


def choice(value: str | None, field: str, enum: type[E], *, required: bool = True) -> E | None:
    raw = (value or "").strip()
    if not raw and not required:
        return None
    try:
        return enum(raw)
    except ValueError:
        raise InputError(field, f"must be one of {', '.join(e.value for e in enum)}") from None


def identifier(value: str | None, field: str) -> uuid.UUID:
    try:
        return uuid.UUID((value or "").strip())
    except ValueError:
        raise InputError(field, "is not a valid id") from None


def instant(value: str | None, field: str) -> dt.datetime | None:
    """An ISO date-time such as 2026-11-23T17:05:00+01:00; one typed without its UTC offset is read as UTC."""
    raw = (value or "").strip()
    if not raw:
        return None
    try:
        parsed = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(field, "must be a date and time (YYYY-MM-DDTHH:MM, optionally with its UTC offset)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
