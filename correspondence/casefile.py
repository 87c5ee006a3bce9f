"""Reading case files (YAML or JSON) into a validated `Case`, with command-line overrides.

Numbers with a decimal point are read as Decimal, never float, so "1250.10" and 1250.10 mean the same.
Every problem becomes an `InputError` naming the field (``debtor.tax_id``) and the reason.
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

import yaml
from pydantic import ValidationError

from .errors import InputError, InputErrors
from .model import Case
from .model.base import FieldError

MAX_CASE_FILE_BYTES = 2 * 1024 * 1024


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader whose floats are Decimals built from the original text."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def parse_case_text(text: str, *, source: str = "case") -> dict[str, Any]:
    """Parse YAML or JSON text into plain data (no validation yet)."""
    try:
        if text.lstrip().startswith("{"):
            data = json.loads(text, parse_float=Decimal)
        else:
            data = yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise InputError(source, f"not valid YAML or JSON ({exc})".replace("\n", " ")) from None
    if not isinstance(data, dict):
        raise InputError(source, "a case file must be a mapping of fields (language, kind, creditor, ...)")
    return data


def read_case_file(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError("case_file", f"cannot read {path}: {exc.strerror}") from None
    if size > MAX_CASE_FILE_BYTES:
        raise InputError("case_file", f"{path} is larger than {MAX_CASE_FILE_BYTES // 1024} KiB")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("case_file", f"{path} is not UTF-8 text") from None
    return parse_case_text(text, source="case_file")


def apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Set dotted keys (``options.pdfa``) on a copy of the data; None values are ignored."""
    merged: dict[str, Any] = _deep_copy(data)
    for dotted, value in overrides.items():
        if value is None:
            continue
        target = merged
        *parents, leaf = dotted.split(".")
        for key in parents:
            target = target.setdefault(key, {})
        target[leaf] = value
    return merged


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def validation_errors(exc: ValidationError, prefix: str = "") -> InputErrors:
    """Turn pydantic's errors into `InputError`s with dotted field paths and plain reasons."""
    errors: list[InputError] = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, FieldError):
            loc.append(cause.field)
            reason = str(cause)
        else:
            reason = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if err["type"] == "missing":
            reason = "is required"
        elif err["type"] == "extra_forbidden":
            reason = "is not a known field"
        elif err["type"] == "enum":
            expected = (err.get("ctx") or {}).get("expected", "")
            reason = f"'{err.get('input')}' is not one of {expected}"
        field = ".".join(filter(None, [prefix, *loc])) or "case"
        errors.append(InputError(field, reason))
    return InputErrors(errors)


def build_case(data: Mapping[str, Any]) -> Case:
    try:
        return Case.model_validate(dict(data))
    except ValidationError as exc:
        raise validation_errors(exc) from None


def load_case(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Case:
    """Read, override and validate a case file. Raises `InputError` on any problem."""
    data = read_case_file(Path(path))
    return build_case(apply_overrides(data, overrides or {}))
