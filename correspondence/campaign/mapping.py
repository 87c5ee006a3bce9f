"""The column mapping: which column of the export fills which case field, and how its cells are written.

A mapping file (YAML) says, once per export layout, `case field: column header`, the number and date
conventions of the export (Italian and Spanish software write `1.250,00` and `31/03/2026`), how rows
group into cases, and the fields every case of the campaign shares (creditor, signatory, place...). Field
names are the dotted paths of a case file (`debtor.tax_id`); per-row invoice fields are `invoice.*`, an
optional payment on the row is `payment.*`. Types come from the case model itself, so a new field needs
no change here.
"""
from __future__ import annotations

import datetime as dt
import re
import types
import typing
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..casefile import parse_case_text, validation_errors
from ..errors import InputError
from ..model import Case, Invoice, Payment
from ..model.base import decimal_places
from .sources import Cell

MAX_MAPPING_BYTES = 256 * 1024
ROW_PREFIXES = {"invoice": Invoice, "payment": Payment}
DEFAULT_GROUP_BY = ("debtor.tax_id", "debtor.name", "credit_type", "claim.contract")
_TRUE = {"1", "true", "yes", "y", "x", "si", "sì", "sí", "vero", "verdadero"}
_FALSE = {"0", "false", "no", "n", "falso", ""}


class Mapping(BaseModel):
    """A campaign's column mapping (see `correspondence batch-template` for a commented example)."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str] = Field(min_length=1, description="case field -> column header")
    defaults: dict[str, Any] = Field(default_factory=dict, description="Fields shared by every case")
    group_by: tuple[str, ...] = Field(default=DEFAULT_GROUP_BY,
                                      description="Rows agreeing on these fields form one case (one per debtor "
                                                  "and credit); fields not mapped are ignored")
    decimal: Literal[",", "."] = Field(default=",", description="Decimal separator of amounts")
    date_format: str = Field(default="%d/%m/%Y", max_length=40, description="strftime format; ISO dates always work")
    encoding: str = Field(default="auto", max_length=20)
    delimiter: str = Field(default="auto", max_length=5)
    sheet: Optional[str] = Field(default=None, max_length=100, description="XLSX sheet (default: the first)")
    values: dict[str, dict[str, str]] = Field(default_factory=dict,
                                              description="case field -> {value in the export: case value}")

    @field_validator("columns", mode="before")
    @classmethod
    def _brand_column(cls, columns: Any) -> Any:
        """`brand: Column` is the per-row brand name (`brand.ref`)."""
        if isinstance(columns, dict) and "brand" in columns and "brand.ref" not in columns:
            columns = {("brand.ref" if k == "brand" else k): v for k, v in columns.items()}
        return columns

    @field_validator("defaults")
    @classmethod
    def _brand_name(cls, defaults: dict[str, Any]) -> dict[str, Any]:
        """`defaults.brand: NAME` names a brand of the library (or the tenant's) for every case."""
        if isinstance(defaults.get("brand"), str):
            defaults = {**defaults, "brand": {"ref": defaults["brand"]}}
        return defaults

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, columns: dict[str, str]) -> dict[str, str]:
        for target, header in columns.items():
            field_type(target)  # raises FieldPathError for an unknown field
            if target.startswith("claim.invoices") or target.startswith("claim.payments"):
                raise ValueError(f"{target}: map per-row invoice and payment fields as invoice.* and payment.*")
            if not isinstance(header, str) or not header.strip():
                raise ValueError(f"{target}: the column header must be a non-empty string")
        if "invoice.amount" not in columns:
            raise ValueError("invoice.amount: must be mapped to a column (each row is one title of credit)")
        return {k: " ".join(v.split()) for k, v in columns.items()}

    def column_of(self, target: str) -> Optional[str]:
        return self.columns.get(target)


def load_mapping(path: Path) -> Mapping:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError("--mapping", f"cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_MAPPING_BYTES:
        raise InputError("--mapping", f"{path} is larger than {MAX_MAPPING_BYTES // 1024} KiB")
    try:
        raw = parse_case_text(data.decode("utf-8-sig"), source="mapping")
    except UnicodeDecodeError:
        raise InputError("--mapping", f"{path} is not UTF-8 text") from None
    try:
        return Mapping.model_validate(raw)
    except ValidationError as exc:
        raise validation_errors(exc, prefix="mapping") from None


def dump_mapping_yaml(mapping: Mapping) -> str:
    return yaml.safe_dump(mapping.model_dump(mode="json"), allow_unicode=True, sort_keys=False)


# --- field types, read from the case model -------------------------------------------------------------

def _unwrap(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else str
    return annotation


def field_type(target: str) -> Any:
    """The Python type of a dotted case field (`debtor.address.city` -> str); ValueError if unknown."""
    head, _, rest = target.partition(".")
    model: Any = ROW_PREFIXES.get(head, Case)
    parts = rest.split(".") if head in ROW_PREFIXES else target.split(".")
    for i, part in enumerate(parts):
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            raise ValueError(f"{target}: not a field of a case (see `correspondence schema`)")
        model = _unwrap(fields[part].annotation)
        if i < len(parts) - 1 and not isinstance(model, type):
            raise ValueError(f"{target}: not a field of a case")
    if typing.get_origin(model) in (list, dict) or (isinstance(model, type) and issubclass(model, BaseModel)):
        raise ValueError(f"{target}: a column holds one value, not a list or a group of fields")
    return model


_AMOUNT_COMMA = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_AMOUNT_DOT = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def parse_amount(value: Cell, decimal_sep: str) -> Decimal:
    """`1.250,00` (IT/ES) or `1,250.00`, with or without the euro sign; a spreadsheet number as it shows."""
    if isinstance(value, bool):
        raise ValueError("expected an amount")
    if isinstance(value, (int, float)):
        if isinstance(value, int):
            return Decimal(value)
        result, cents = Decimal(repr(value)), Decimal(repr(value)).quantize(Decimal("0.01"))
        if abs(result - cents) > Decimal("0.000001"):  # binary noise of a computed cell is not a decimal place
            raise ValueError(f"'{value}' has more than two decimal places")
        return cents
    text = str(value).replace("€", "").replace("EUR", "").replace("\u00a0", "").replace(" ", "").strip()
    pattern = _AMOUNT_COMMA if decimal_sep == "," else _AMOUNT_DOT
    if not pattern.match(text):
        example = "1.250,00" if decimal_sep == "," else "1,250.00"
        raise ValueError(f"'{value}' is not an amount written like {example}")
    thousands = "." if decimal_sep == "," else ","
    try:
        result = Decimal(text.replace(thousands, "").replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern already checked the text
        raise ValueError(f"'{value}' is not an amount") from None
    if decimal_places(result) > 2:  # finite: the pattern admits no NaN or Infinity
        raise ValueError(f"'{value}' has more than two decimal places")
    return result


def parse_date(value: Cell, fmt: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for candidate in (fmt, "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, candidate).date()
        except ValueError:
            continue
    example = dt.date(2026, 3, 31).strftime(fmt)
    raise ValueError(f"'{text}' is not a date written like {example} (or 2026-03-31)")


def convert(target: str, value: Cell, mapping: Mapping) -> Any:
    """A cell as the case field wants it (Decimal, date, int, bool, enum value or text); ValueError if not."""
    kind = field_type(target)
    table = mapping.values.get(target)
    if table and isinstance(value, str):
        folded = {k.casefold(): v for k, v in table.items()}
        value = folded.get(" ".join(value.split()).casefold(), value)
    if kind is Decimal:
        return parse_amount(value, mapping.decimal)
    if kind is dt.date:
        return parse_date(value, mapping.date_format)
    if kind is bool:
        text = str(value).strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"'{value}' is not yes/no (sì, sí, no, x, 1, 0)")
    if kind is int:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        try:
            return int(str(value).strip())
        except ValueError:
            raise ValueError(f"'{value}' is not a whole number") from None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if isinstance(kind, type) and issubclass(kind, Enum):
        return text.lower()
    return text
