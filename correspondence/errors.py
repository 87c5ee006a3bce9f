"""Errors shared by the library, the CLI and the API: one base, one type per kind of failure.

Every error the library raises on purpose is a `CorrespondenceError`, and one of the domain types below
says what kind of failure it is. The faces map those types, and nothing else, to what the user sees: the
HTTP status and problem type in `api/problems.py` (``STATUS``), the exit code in `cli/app.py`
(``EXIT_CODES``). Errors about the user's request name the field at fault (`InputError` and its subclasses),
so the CLI prints ``error: field: reason`` and the API answers 4xx without a stack trace.
"""
from __future__ import annotations

from typing import Mapping, Optional, TypeVar

T = TypeVar("T")


class CorrespondenceError(Exception):
    """Base class for every error the library raises on purpose (unclassified: a failure of ours)."""


class InputError(CorrespondenceError):
    """Invalid user input: `field` is a dotted path (e.g. ``debtor.tax_id``), `reason` says what is wrong."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def __reduce__(self):  # type: ignore[no-untyped-def]  # crosses process boundaries (job pool, batch)
        return (type(self), (self.field, self.reason))


class InputErrors(InputError):
    """Several input errors found at once (e.g. schema validation of a whole case file)."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.field, first.reason)
        self.args = ("; ".join(f"{e.field}: {e.reason}" for e in errors),)

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.errors,))


class TooLarge(InputError):
    """An upload or a file larger than the limit that applies to it."""


class Conflict(InputError):
    """The request contradicts what is already recorded: a Message-ID already taken, an event the dispatch's
    state does not allow, an idempotency key reused for another request, an archive not ready yet."""


class EvidenceRefused(InputError):
    """A receipt or a signed file that cannot be kept as evidence (ambiguous MIME structure, not a signed
    version of the document it claims to sign): refused whole, nothing is stored."""


class SigningError(InputError):
    """The key, the token or the timestamp authority could not sign: wrong password or PIN, no such key on
    the token, the token or the TSA refused; `field` names the option at fault."""


class NotFound(CorrespondenceError):
    """The thing asked for does not exist for this tenant (another tenant's ids answer the same)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"no such {what}")
        self.what = what

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.what,))


class ConfigurationError(CorrespondenceError):
    """The installation or a referenced resource (setting, rate table, key, template) is missing or unusable."""


class RenderingError(CorrespondenceError):
    """A letter could not be produced from valid input (e.g. its figures do not add up): a defect, logged."""


class Unavailable(CorrespondenceError):
    """The service cannot take the work now (every worker busy): retry after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: Optional[int] = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UpstreamError(CorrespondenceError):
    """A server we depend on (PEC SMTP/IMAP) could not be reached or answered an error; `field` names the
    setting that points at it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.field, self.reason))


DOMAIN_ERRORS: tuple[type[CorrespondenceError], ...] = (
    CorrespondenceError, InputError, TooLarge, Conflict, EvidenceRefused, SigningError, NotFound,
    ConfigurationError, RenderingError, Unavailable, UpstreamError,
)


def classify(exc: BaseException, table: Mapping[type, T]) -> T:
    """The entry of `table` for the nearest of `exc`'s classes it lists (every table lists the base)."""
    for cls in type(exc).__mro__:
        if cls in table:
            return table[cls]
    return table[CorrespondenceError]
