"""Errors shared by the library, the CLI and the API.

`InputError` is the one error users are meant to see: it names the offending field and the reason, so
that the CLI can exit with code 2 and the API can answer 4xx without a stack trace.
"""
from __future__ import annotations


class CorrespondenceError(Exception):
    """Base class for every error the library raises on purpose."""


class InputError(CorrespondenceError):
    """Invalid user input: `field` is a dotted path (e.g. ``debtor.tax_id``), `reason` says what is wrong."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class InputErrors(InputError):
    """Several input errors found at once (e.g. schema validation of a whole case file)."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.field, first.reason)
        self.args = ("; ".join(f"{e.field}: {e.reason}" for e in errors),)


class ConfigurationError(CorrespondenceError):
    """The installation or a referenced resource (rate table, key, template) is missing or unusable."""


class NotFound(CorrespondenceError):
    """The thing asked for does not exist for this tenant (another tenant's ids answer the same)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"no such {what}")
        self.what = what
