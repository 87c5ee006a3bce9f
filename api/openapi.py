"""OpenAPI post-processing: every error answer is documented as `application/problem+json` with the
`Problem` schema, including the generic ones (401 on secured routes, 404 for ids, 413 for bodies,
415/400 for uploads, 422 for input) that FastAPI does not list by itself."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from .problems import MEDIA_TYPE, TITLES
from .schemas import ProblemOut

REF = {"$ref": "#/components/schemas/ProblemOut"}


def _problem(code: int, description: str | None = None) -> dict[str, Any]:
    return {"description": description or TITLES.get(code, "Problem"), "content": {MEDIA_TYPE: {"schema": REF}}}


def _fix_operation(path: str, method: str, op: dict[str, Any]) -> None:
    responses = op.setdefault("responses", {})
    wanted: set[int] = set()
    if path != "/health":
        wanted |= {401, 422}
    else:
        wanted.add(503)
    if "{" in path:
        wanted.add(404)
    if method in ("post", "put", "patch"):
        wanted.add(413)
    body = (op.get("requestBody") or {}).get("content", {})
    if "multipart/form-data" in body:
        wanted |= {400, 415}
    for code in sorted(wanted):
        responses.setdefault(str(code), _problem(code))
    for code, response in responses.items():
        if code.isdigit() and int(code) >= 400:
            response["content"] = {MEDIA_TYPE: {"schema": REF}}


def install(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        for path, operations in schema.get("paths", {}).items():
            for method, op in operations.items():
                _fix_operation(path, method, op)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ProblemOut"] = ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}")
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
