"""RFC 9457 problem details for every error answer: type, title, status, detail and (for input) field.

Library errors get their status from one table, `STATUS`, by their type (`correspondence.errors`); routes
raise those errors and never pick a status for them. Validation errors (422) name the offending field as a
dotted path (``debtor.tax_id``) and list all of them under ``errors``. No handler ever puts a stack trace in
a body.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from correspondence.errors import (
    Conflict, ConfigurationError, CorrespondenceError, EvidenceRefused, InputError, InputErrors, NotFound,
    RenderingError, SigningError, TooLarge, Unavailable, UpstreamError, classify,
)
from correspondence.figures.rates import RateMissingError
from correspondence.logs import request_id
from correspondence.model.base import FieldError

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:correspondence:problem:"

TITLES = {
    400: "Bad request", 401: "Authentication required", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 406: "Not acceptable", 409: "Conflict", 413: "Content too large",
    415: "Unsupported media type", 422: "Invalid input", 429: "Too many requests", 500: "Internal server error",
    502: "Bad gateway", 503: "Service unavailable",
}


class Problem(Exception):
    """Raise from a route to answer with a problem body."""

    def __init__(self, status: int, detail: str, *, slug: str | None = None, field: str | None = None,
                 headers: Mapping[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.slug, self.field = status, detail, slug, field
        self.headers = dict(headers or {})
        self.extra = extra


STATUS: dict[type[CorrespondenceError], tuple[int, str]] = {
    CorrespondenceError: (500, "internal"),         # unclassified: a defect of ours, logged with its traceback
    InputError: (422, "validation"),
    TooLarge: (413, "too-large"),
    Conflict: (409, "conflict"),
    EvidenceRefused: (422, "evidence-refused"),
    SigningError: (422, "signing"),
    NotFound: (404, "not-found"),
    ConfigurationError: (503, "configuration"),     # detail logged, not shown: the operator must act
    RateMissingError: (422, "rate-missing"),        # the case's dates need a period the tables lack
    RenderingError: (500, "rendering"),
    Unavailable: (503, "unavailable"),              # with Retry-After when the error knows it
    UpstreamError: (502, "upstream"),
}
"""The one table from error type to HTTP status and problem type; a subclass may name its own ``slug``."""


def problem_response(status: int, detail: str | None, *, slug: str | None = None, field: str | None = None,
                     headers: Mapping[str, str] | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug if slug else "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail or TITLES.get(status, "Error"),
    }
    if field is not None:
        body["field"] = field
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=dict(headers or {}), media_type=MEDIA_TYPE)


def not_found(what: str) -> NotFound:
    """The error a route raises for an id the tenant does not have (404 through `STATUS`)."""
    return NotFound(what)


def error_response(exc: CorrespondenceError) -> JSONResponse:
    """The problem answer for a library error: status and type from `STATUS`, the field at fault if any."""
    status, slug = classify(exc, STATUS)
    slug = getattr(type(exc), "slug", None) or slug
    if isinstance(exc, ConfigurationError) and status >= 500:
        log.error("configuration error: %s", exc)
        return problem_response(status, "the service is not configured for this operation", slug=slug)
    if isinstance(exc, Unavailable):
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        return problem_response(status, str(exc), slug=slug, headers=headers)
    if status >= 500 and not isinstance(exc, UpstreamError):
        log.error("%s: %s", type(exc).__name__, exc, exc_info=exc)
        return problem_response(status, "internal error", slug=slug)
    if isinstance(exc, RateMissingError):
        log.warning("rate missing: %s", exc)
    field, reason = getattr(exc, "field", None), getattr(exc, "reason", None)
    if field is None or reason is None:
        return problem_response(status, str(exc), slug=slug)
    errors = ([{"field": e.field, "reason": e.reason} for e in exc.errors] if isinstance(exc, InputErrors)
              else [{"field": field, "reason": reason}])
    return problem_response(status, f"{field}: {reason}", slug=slug, field=field, errors=errors)


def _field_from_loc(loc: tuple[Any, ...] | list[Any], ctx_error: Any = None) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    if isinstance(ctx_error, FieldError):
        parts.append(ctx_error.field)
    return ".".join(parts) or "body"


def _validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    out = []
    for err in exc.errors():
        ctx_error = (err.get("ctx") or {}).get("error")
        reason = str(ctx_error) if isinstance(ctx_error, FieldError) else str(err.get("msg", "invalid"))
        reason = reason.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if err.get("type") == "missing":
            reason = "is required"
        elif err.get("type") == "extra_forbidden":
            reason = "is not a known field"
        out.append({"field": _field_from_loc(err.get("loc", ()), ctx_error), "reason": reason})
    return out


def _allowed_methods(request: Request) -> list[str]:
    """All methods any route offers for this path (Starlette lists only the first matching route's)."""
    from starlette.routing import Match

    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match != Match.NONE and getattr(route, "methods", None):
            for method in route.methods:
                match_m, _ = route.matches({**request.scope, "method": method})
                if match_m == Match.FULL:
                    methods.add(method)
    return sorted(methods)


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.status, exc.detail, slug=exc.slug, field=exc.field, headers=exc.headers,
                                **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else None
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 413:
            return problem_response(413, detail, slug="too-large", field="body")
        if exc.status_code == 400 and detail == "There was an error parsing the body":
            return problem_response(422, "body: not valid JSON (or not UTF-8)", slug="validation", field="body",
                                    errors=[{"field": "body", "reason": "not valid JSON"}])
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return problem_response(exc.status_code, detail, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        first = errors[0] if errors else {"field": "body", "reason": "invalid"}
        return problem_response(422, f"{first['field']}: {first['reason']}", slug="validation",
                                field=first["field"], errors=errors)

    @app.exception_handler(CorrespondenceError)
    async def _library(_: Request, exc: CorrespondenceError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", exc_info=exc)
        return problem_response(500, "internal error", headers={"X-Request-ID": request_id.get()})
