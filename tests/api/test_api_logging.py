"""The API log: one line per request with its request id, echoed as X-Request-ID; no secret ever logged."""
from __future__ import annotations

import logging

import pytest

from tests.api.conftest import Api

PASSWORD = "pec-Password-never-logged-7781"
SERVER_KEY = "server-key-never-logged-" + "x" * 16


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    out = []
    for record in caplog.records:
        out.append(record.getMessage())
        if record.exc_info:
            out.append(logging.Formatter().formatException(record.exc_info))
    return out


def test_request_ids_are_accepted_generated_and_logged(api: Api, caplog: pytest.LogCaptureFixture,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG, logger="correspondence")
    r = api.get("/v1/cases/00000000-0000-0000-0000-000000000000", headers={"X-Request-ID": "proxy-42.a:b"})
    assert r.status_code == 404 and r.headers["X-Request-ID"] == "proxy-42.a:b"
    generated = api.get("/health", headers={"X-Request-ID": "not a token " + "x" * 200}).headers["X-Request-ID"]
    assert len(generated) == 32 and int(generated, 16) >= 0
    assert len({api.get("/health").headers["X-Request-ID"] for _ in range(3)}) == 3
    lines = [r.getMessage() for r in caplog.records if r.name == "correspondence.api.requestids"]
    assert any(line.startswith("GET /v1/cases/") and "-> 404" in line for line in lines)
    logged = capsys.readouterr().err  # the service's handler: every line carries the id of its request
    assert "INFO correspondence.api.requestids [proxy-42.a:b] GET /v1/cases/" in logged
    assert f"[{generated}] GET /health -> 200" in logged


def test_no_api_key_or_password_reaches_the_log(api: Api, caplog: pytest.LogCaptureFixture,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRESPONDENCE_SECRET_KEY", SERVER_KEY)
    caplog.set_level(logging.DEBUG)
    body = {"address": "studio@pec.example.it", "smtp_url": "smtps://127.0.0.1:9",
            "imap_url": "imaps://127.0.0.1:9/INBOX", "username": "studio@pec.example.it", "password": PASSWORD}
    assert api.put("/v1/mailboxes/pec", json=body).status_code == 201
    assert api.post("/v1/mailboxes/pec/collect").status_code == 502  # the server is not there: logged, refused
    case = api.case()
    assert api.get(f"/v1/cases/{case['id']}").status_code == 200
    wrong = api.get("/v1/cases", headers={"Authorization": f"Bearer {api.key}x"})
    assert wrong.status_code == 401
    text = "\n".join(_lines(caplog))
    assert "GET /v1/cases" in text  # the requests were logged ...
    for secret in (api.key, PASSWORD, SERVER_KEY):
        assert secret not in text  # ... without their secrets
