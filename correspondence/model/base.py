"""Shared pydantic configuration and the money type: amounts are Decimal, never float."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict


class Model(BaseModel):
    """Base for every case object: unknown fields are refused so typos surface as errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False, use_enum_values=False)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("amounts must be decimal strings such as \"1250.00\", not floating-point numbers")
    if isinstance(value, (int, Decimal)):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace("_", ""))
        except InvalidOperation:
            raise ValueError(f"'{value}' is not a decimal amount (use a dot: 1250.00)") from None
    else:
        raise ValueError("expected a decimal amount")
    if not result.is_finite():
        raise ValueError("amount must be a finite number")
    if result.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("amount has more than two decimal places")
    return result


Money = Annotated[Decimal, BeforeValidator(_to_decimal)]
"""A euro amount with at most two decimals; floats are refused to keep cents exact."""


class FieldError(ValueError):
    """Raised by a model-level validator about one of its sub-fields, so errors name the exact field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
