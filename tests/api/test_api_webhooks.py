"""Webhooks to a real HTTP receiver on loopback: every event arrives signed as Standard Webhooks (verified
with the `standardwebhooks` package), a failing receiver is retried with backoff and every attempt is
logged, and an expired deadline is noticed by the periodic check, once."""
from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
from standardwebhooks.webhooks import Webhook

from correspondence.casework.background import run_round
from correspondence.casework.webhook_delivery import deliver_due
from correspondence.casework.webhooks import check_deadlines
from tests.api.conftest import Api


class Receiver:
    """A loopback HTTP server recording each POST; answers 500 to the first `failures` requests."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["content-length"]))
                outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                failing = len(outer.received) <= outer.failures
                self.send_response(500 if failing else 204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def verified(self, secret: str) -> list[dict]:
        """Every payload received, each checked against its signature (raises if one does not verify)."""
        return [Webhook(secret).verify(body, headers) for headers, body in self.received]


@pytest.fixture(autouse=True)
def server_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Webhook secrets are stored sealed with the server key."""
    monkeypatch.setenv("CORRESPONDENCE_SECRET_KEY", "test-server-key-0123456789abcdef")


@pytest.fixture(autouse=True)
def loopback_allowed(app, monkeypatch: pytest.MonkeyPatch) -> None:
    """The receivers here listen on loopback, which the default settings refuse (see the SSRF tests)."""
    allow_private(app, monkeypatch, True)


def allow_private(app, monkeypatch: pytest.MonkeyPatch, allowed: bool) -> None:
    """Both the app's settings (subscription) and the process's (the delivery runner); undone after the test."""
    monkeypatch.setitem(app.state._state, "settings",
                        app.state.settings.model_copy(update={"webhook_allow_private": allowed}))
    monkeypatch.setenv("CORRESPONDENCE_WEBHOOK_ALLOW_PRIVATE", "true" if allowed else "false")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


def subscribe(api: Api, url: str, *events: str) -> dict:
    r = api.post("/v1/webhooks", json={"url": url, "events": list(events) or
                                       ["receipt.attached", "dispatch.delivered", "dispatch.failed",
                                        "deadline.expired"]})
    assert r.status_code == 201, r.text
    assert r.json()["secret"].startswith("whsec_")
    return r.json()


def delivered_letter(api: Api, day: str) -> dict:
    d = api.dispatch("raccomandata_ar", recipient="Via Roma 1, 00100 Roma", deadline_days=15)
    for kind, hour in (("submitted", "09:00"), ("accepted", "09:05"), ("delivered", "11:00")):
        assert api.event(d["id"], kind, f"{day}T{hour}:00+01:00").status_code in (200, 201)
    return d


def test_events_arrive_signed_and_verify(api: Api, other: Api, receiver: Receiver) -> None:
    hook = subscribe(api, receiver.url)
    assert "secret" not in api.get(f"/v1/webhooks/{hook['id']}").text or \
        api.get(f"/v1/webhooks/{hook['id']}").json()["secret"] is None
    other_hook = subscribe(other, receiver.url, "dispatch.delivered")
    d = delivered_letter(api, "2026-11-20")
    scan = b"%PDF-1.4\n% cartolina\n%%EOF\n"
    r = api.post(f"/v1/dispatches/{d['id']}/receipts", files={"file": ("cartolina.pdf", scan, "application/pdf")},
                 data={"kind": "return_card"})
    assert r.status_code == 201, r.text
    assert deliver_due(api.store) == {"delivered": 2, "retrying": 0, "failed": 0}
    events = receiver.verified(hook["secret"])
    assert [e["type"] for e in events] == ["dispatch.delivered", "receipt.attached"]
    assert events[0]["data"]["dispatch_id"] == d["id"] and events[0]["data"]["state"] == "delivered"
    assert events[0]["data"]["deadline_at"] == "2026-12-05"
    assert events[1]["data"]["receipt_id"] == r.json()["id"]
    with pytest.raises(Exception):  # another tenant's secret does not verify our payloads
        receiver.verified(other_hook["secret"])
    ids = [h["webhook-id"] for h, _ in receiver.received]
    log = api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()
    assert [x["id"] for x in log] == ids and all(x["status"] == "delivered" for x in log)
    assert log[0]["attempts"][0]["status_code"] == 204
    assert other.get(f"/v1/webhooks/{hook['id']}/deliveries").status_code == 404
    assert deliver_due(api.store)["delivered"] == 0  # nothing twice


def test_a_failing_receiver_is_retried_with_backoff(api: Api, receiver: Receiver) -> None:
    receiver.failures = 2
    hook = subscribe(api, receiver.url, "dispatch.delivered")
    delivered_letter(api, "2026-11-20")
    now = dt.datetime.now(dt.timezone.utc)
    assert deliver_due(api.store, now=now)["retrying"] == 1
    assert deliver_due(api.store, now=now + dt.timedelta(seconds=5))["retrying"] == 0  # not due yet
    assert deliver_due(api.store, now=now + dt.timedelta(seconds=11))["retrying"] == 1  # after 10 s
    [pending] = api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()
    assert pending["status"] == "pending" and [a["status_code"] for a in pending["attempts"]] == [500, 500]
    assert "HTTP 500" in pending["attempts"][0]["error"]
    assert dt.datetime.fromisoformat(pending["next_attempt_at"]) >= now + dt.timedelta(seconds=30)  # 10, 20
    assert deliver_due(api.store, now=now + dt.timedelta(seconds=40))["delivered"] == 1
    [done] = api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()
    assert done["status"] == "delivered" and len(done["attempts"]) == 3
    assert len({h["webhook-id"] for h, _ in receiver.received}) == 1  # the same id on every retry
    assert len(receiver.verified(hook["secret"])) == 3


def test_an_unreachable_receiver_is_logged(api: Api) -> None:
    hook = subscribe(api, "http://127.0.0.1:9/nobody-listens", "dispatch.delivered")
    delivered_letter(api, "2026-11-20")
    assert deliver_due(api.store)["retrying"] == 1
    [pending] = api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()
    assert pending["attempts"][0]["status_code"] is None and "ConnectError" in pending["attempts"][0]["error"]


def test_expired_deadlines_are_noticed_by_the_periodic_check(api: Api, receiver: Receiver) -> None:
    hook = subscribe(api, receiver.url, "deadline.expired")
    old = delivered_letter(api, "2026-01-12")  # 15 days: the term ended on 2026-01-27
    fresh = delivered_letter(api, dt.date.today().isoformat())
    with api.store.session() as session:
        assert check_deadlines(session) == 1
        assert check_deadlines(session) == 0  # noticed once
    run_round(api.store)
    [event] = receiver.verified(hook["secret"])
    assert event["type"] == "deadline.expired" and event["data"]["dispatch_id"] == old["id"]
    assert event["data"]["deadline_at"] == "2026-01-27" and fresh["id"] != old["id"]


@pytest.mark.parametrize("body,field", [
    ({"url": "ftp://example.it/x", "events": ["dispatch.delivered"]}, "url"),
    ({"url": "https://example.it/x", "events": []}, "events"),
    ({"url": "https://example.it/x", "events": ["dispatch.exploded"]}, "events"),
])
def test_bad_subscriptions_name_the_field(api: Api, body: dict, field: str) -> None:
    r = api.post("/v1/webhooks", json=body)
    assert r.status_code == 422 and field in json.dumps(r.json()), r.text


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "https://10.1.2.3/hook", "http://169.254.169.254/latest",
                                 "http://[::1]/hook", "http://[::ffff:192.168.1.1]/hook", "https://localhost/hook",
                                 "https://printer.local/hook", "http://0.0.0.0/hook"])
def test_private_hosts_are_refused_by_default(app, api: Api, monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """SSRF: a tenant cannot make the server post to loopback, the metadata address or the office network."""
    allow_private(app, monkeypatch, False)
    r = api.post("/v1/webhooks", json={"url": url, "events": ["dispatch.delivered"]})
    assert r.status_code == 422, r.text
    assert "url" in json.dumps(r.json()) and "public address" in r.text


def test_a_name_resolving_to_a_private_address_is_not_posted_to(app, api: Api, receiver: Receiver,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked again when sending, on the address actually connected to (DNS can change after subscribing)."""
    hook = subscribe(api, receiver.url.replace("127.0.0.1", "localhost"), "dispatch.delivered")
    delivered_letter(api, "2026-11-20")
    allow_private(app, monkeypatch, False)
    assert deliver_due(api.store)["retrying"] == 1
    assert receiver.received == []
    [pending] = api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()
    assert "not a public address" in pending["attempts"][0]["error"], pending
    allow_private(app, monkeypatch, True)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=11)
    assert deliver_due(api.store, now=later)["delivered"] == 1
    [(headers, _)] = receiver.received
    assert headers["host"] == receiver.url.split("/")[2].replace("127.0.0.1", "localhost")  # the URL's own host


def test_two_runners_send_a_delivery_once(api: Api, receiver: Receiver) -> None:
    """The server's background thread and `correspondence background` may run at once: a claimed delivery
    is not sent by the other runner while the first is still waiting for the receiver."""
    hook = subscribe(api, receiver.url, "dispatch.delivered")
    delivered_letter(api, "2026-11-20")
    entered, release = threading.Event(), threading.Event()
    handler = receiver.server.RequestHandlerClass
    original = handler.do_POST

    def slow_post(self) -> None:  # the first runner is inside its request until the second one is done
        entered.set()
        release.wait(10)
        original(self)

    handler.do_POST = slow_post  # type: ignore[method-assign]
    results: list[dict] = []
    first = threading.Thread(target=lambda: results.append(deliver_due(api.store)))
    first.start()
    assert entered.wait(10)
    assert deliver_due(api.store) == {"delivered": 0, "retrying": 0, "failed": 0}  # claimed by the first
    release.set()
    first.join(10)
    assert results == [{"delivered": 1, "retrying": 0, "failed": 0}]
    assert len(receiver.received) == 1
    [done] = api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()
    assert done["status"] == "delivered" and len(done["attempts"]) == 1
