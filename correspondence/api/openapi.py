"""OpenAPI post-processing: every error answer is documented as `application/problem+json` with the
`Problem` schema, including the generic ones (401 on secured routes, 404 for ids, 413 for bodies,
415/400 for uploads, 422 for input) that FastAPI does not list by itself; and the text rule every request
model enforces (no control characters) is stated as a pattern on each free-text string it accepts."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from correspondence.model.base import TEXT_PATTERN

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


def _refs(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)
    return found


def _closure(names: set[str], components: dict[str, Any]) -> set[str]:
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        if name not in seen and name in components:
            seen.add(name)
            todo.extend(_refs(components[name], set()) - seen)
    return seen


def _text_patterns(node: Any) -> None:
    """Add the no-control-characters pattern to free-text strings (no format, enum or pattern of their own)."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"format", "pattern", "enum", "const"} & node.keys():
            node["pattern"] = TEXT_PATTERN
        for key, value in node.items():
            if key not in ("examples", "default", "const", "enum"):
                _text_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _text_patterns(value)


def _state_text_rule(schema: dict[str, Any]) -> None:
    components = schema.get("components", {}).get("schemas", {})
    requests: set[str] = set()
    answers: set[str] = set()
    for operations in schema.get("paths", {}).values():
        for op in operations.values():
            body = op.get("requestBody") or {}
            _text_patterns(body)
            _refs(body, requests)
            _refs(op.get("responses", {}), answers)
    for name in _closure(requests, components) - _closure(answers, components):
        _text_patterns(components[name])


def install(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        for path, operations in schema.get("paths", {}).items():
            for method, op in operations.items():
                _fix_operation(path, method, op)
        _state_text_rule(schema)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ProblemOut"] = ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}")
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
