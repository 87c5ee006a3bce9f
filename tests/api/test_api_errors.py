"""The one table from error type to HTTP status: every domain type answers its status as problem+json."""
from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from correspondence.api import problems
from correspondence.api.problems import STATUS
from correspondence.errors import DOMAIN_ERRORS
from correspondence.figures.rates import RateMissingError
from tests.errorcases import EXAMPLES


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    problems.install(app)

    @app.get("/fail/{name}")
    def fail(name: str) -> None:
        raise EXAMPLES[next(k for k in EXAMPLES if k.__name__ == name)]

    return TestClient(app, raise_server_exceptions=False)


def test_the_status_table_covers_every_domain_error_type() -> None:
    assert set(DOMAIN_ERRORS) <= set(STATUS) and set(STATUS) - set(DOMAIN_ERRORS) == {RateMissingError}


@pytest.mark.parametrize("kind", DOMAIN_ERRORS, ids=lambda k: k.__name__)
def test_each_error_type_answers_its_status(client: TestClient, kind: type) -> None:
    r = client.get(f"/fail/{kind.__name__}")
    status, slug = STATUS[kind]
    body = r.json()
    assert (r.status_code, body["status"]) == (status, status)
    assert r.headers["content-type"] == "application/problem+json" and body["type"].endswith(slug)
    assert "Traceback" not in r.text
    exc = EXAMPLES[kind]
    if status < 500 or status == 502:
        assert str(getattr(exc, "reason", exc)) in body["detail"]
        assert body.get("field") == getattr(exc, "field", None)
    elif status == 503 and kind.__name__ == "Unavailable":
        assert r.headers["Retry-After"] == "3"
    else:  # ours or the operator's to fix: the detail stays in the log
        assert str(exc) not in body["detail"]
