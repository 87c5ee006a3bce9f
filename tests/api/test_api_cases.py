"""Cases, payments, actions, the timeline, the overdue list and the shape of problem bodies."""
from __future__ import annotations

import datetime as dt

from tests.api.conftest import Api, json_ready
from tests.casedata import example


def test_create_and_read_case(api: Api) -> None:
    case = api.case()
    assert case["debtor_name"] == "Bianchi S.p.A." and case["jurisdiction"] == "IT"
    # the figures engine on the case as it stands: the 200.00 paid on 2026-05-10 went to interest and the
    # 40 EUR compensation first (art. 1194 c.c.), leaving 1934.40 of principal, as the letter prints it
    assert case["outstanding"] == case["figures"]["principal_outstanding"] == "1934.40"
    assert case["figures"]["principal"] == "2080.50" and case["figures"]["payments"] == "200.00"
    assert case["version"] == 1
    assert case["data"]["debtor"]["tax_id"] == "IT00743110157"
    got = api.get(f"/v1/cases/{case['id']}").json()
    assert got == case
    assert [c["id"] for c in api.get("/v1/cases").json()] == [case["id"]]


def test_spanish_case_defaults_to_spanish_jurisdiction(api: Api) -> None:
    assert api.case("es")["jurisdiction"] == "ES"


def test_invalid_case_is_422_naming_the_field(api: Api) -> None:
    data = json_ready(example("it"))
    data["debtor"]["tax_id"] = "IT00743110158"  # wrong check digit
    r = api.post("/v1/cases", json=data)
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == "debtor.tax_id" and body["status"] == 422 and body["title"] == "Invalid input"
    assert set(body) >= {"type", "title", "status", "detail", "field", "errors"}
    assert r.headers["content-type"] == "application/problem+json"

    data = json_ready(example("it"))
    data["claim"]["invoices"][0]["amount"] = 12.5  # floats are refused for money
    r = api.post("/v1/cases", json=data)
    assert r.status_code == 422 and r.json()["field"] == "claim.invoices.0.amount"

    data = json_ready(example("it"))
    del data["creditor"]
    data["surprise"] = 1
    r = api.post("/v1/cases", json=data)
    fields = {e["field"]: e["reason"] for e in r.json()["errors"]}
    assert fields == {"creditor": "is required", "surprise": "is not a known field"}


def test_malformed_json_and_bad_ids_are_422(api: Api) -> None:
    r = api.post("/v1/cases", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["type"].endswith("validation")
    r = api.get("/v1/cases/not-a-uuid")
    assert r.status_code == 422 and r.json()["field"] == "case_id"
    assert api.get("/v1/cases?limit=0").json()["field"] == "limit"


def test_logo_paths_are_refused_through_the_api(api: Api) -> None:
    data = json_ready(example("it"))
    data["brand"] = {"logo": "/etc/passwd"}
    r = api.post("/v1/cases", json=data)
    assert r.status_code == 422 and r.json()["field"] == "brand.logo"


def test_unknown_route_and_method_are_problems(api: Api) -> None:
    r = api.get("/v1/nothing-here")
    assert r.status_code == 404 and r.json()["status"] == 404
    r = api.delete("/v1/cases")
    assert r.status_code == 405 and r.json()["title"] == "Method not allowed"


def test_timeline_lists_every_step_in_order(api: Api) -> None:
    d = api.dispatch("raccomandata_ar", deadline_days=15)
    case_id = d["case_id"]
    api.event(d["id"], "accepted", "2026-10-01T10:00:00+02:00")
    api.event(d["id"], "delivered", "2026-10-05T11:00:00+02:00")
    api.post(f"/v1/cases/{case_id}/actions", json={"occurred_on": "2026-10-12", "type": "phone_call",
                                                   "outcome": "promised to pay"})
    api.post(f"/v1/cases/{case_id}/payments", json={"paid_on": "2026-10-22", "amount": "500.00", "reference": "CRO 1"})
    r = api.get(f"/v1/cases/{case_id}/timeline")
    assert r.status_code == 200
    entries = r.json()["entries"]
    kinds = [e["kind"] for e in entries]
    ats = [e["at"] for e in entries]
    assert ats == sorted(ats, key=lambda a: dt.datetime.fromisoformat(a.replace("Z", "+00:00")))
    dated = [k for k in kinds if k not in ("case", "document", "dispatch")]  # those carry today's clock
    assert dated == ["payment", "action:letter", "action:phone_call", "action:letter",  # from the case file
                     "event:accepted", "event:delivered", "legal_effect", "action:phone_call", "deadline",
                     "payment"]
    legal = next(e for e in entries if e["kind"] == "legal_effect")
    assert "return_card_signature" in legal["summary"] and legal["ref"] == d["id"]
    deadline = next(e for e in entries if e["kind"] == "deadline")
    assert deadline["at"].startswith("2026-10-20")  # 5 Oct + 15 days, a Tuesday
    assert any("EUR 500.00 (CRO 1)" in e["summary"] for e in entries)


def test_overdue_lists_expired_unpaid_dispatches(api: Api, other: Api) -> None:
    d = api.dispatch("raccomandata_ar", deadline_days=15)
    api.event(d["id"], "delivered", "2026-03-05T11:00:00+01:00")  # deadline 20 March 2026
    pending = api.dispatch("raccomandata_ar")  # no legal effect yet: no deadline
    assert api.get(f"/v1/dispatches/{pending['id']}").json()["deadline_at"] is None

    r = api.get("/v1/dispatches/overdue", params={"as_of": "2026-03-20"})
    assert r.json() == {"as_of": "2026-03-20", "dispatches": []}  # the last day itself is not expired
    r = api.get("/v1/dispatches/overdue", params={"as_of": "2026-03-21"})
    listed = r.json()["dispatches"]
    assert [x["id"] for x in listed] == [d["id"]] and listed[0]["deadline_at"] == "2026-03-20"
    assert other.get("/v1/dispatches/overdue", params={"as_of": "2026-03-21"}).json()["dispatches"] == []

    # a partial payment leaves it overdue; paying the balance (interest and compensation included) removes it
    api.post(f"/v1/cases/{d['case_id']}/payments", json={"paid_on": "2026-03-25", "amount": "1000.00"})
    assert len(api.get("/v1/dispatches/overdue", params={"as_of": "2026-03-30"}).json()["dispatches"]) == 1
    owed = api.get(f"/v1/cases/{d['case_id']}", params={"at": "2026-03-26"}).json()["total_due"]
    api.post(f"/v1/cases/{d['case_id']}/payments", json={"paid_on": "2026-03-26", "amount": owed})
    settled = api.get(f"/v1/cases/{d['case_id']}", params={"at": "2026-03-30"}).json()
    assert settled["outstanding"] == settled["total_due"] == "0.00" and settled["next"]["step"] == "close"
    assert api.get("/v1/dispatches/overdue", params={"as_of": "2026-03-30"}).json()["dispatches"] == []


def test_payment_validation(api: Api) -> None:
    case = api.case()
    r = api.post(f"/v1/cases/{case['id']}/payments", json={"paid_on": "2026-03-25", "amount": "-5"})
    assert r.status_code == 422 and r.json()["field"] == "amount"


def test_dispatch_validation(api: Api) -> None:
    case = api.case()
    doc = api.document(case["id"])
    base = {"case_id": case["id"], "document_id": doc["id"], "recipient": "x@pec.it"}
    r = api.post("/v1/dispatches", json={**base, "channel": "pigeon"})
    assert r.status_code == 422 and r.json()["field"] == "channel"
    r = api.post("/v1/dispatches", json={**base, "channel": "raccomandata_ar", "policy": {"it_unclaimed": "never"}})
    assert r.status_code == 422 and r.json()["field"] == "policy.it_unclaimed"
    r = api.post("/v1/dispatches", json={**base, "channel": "pec", "message_id": "has spaces@x"})
    assert r.status_code == 422 and r.json()["field"] == "message_id"
    first = api.post("/v1/dispatches", json={**base, "channel": "pec", "message_id": "abc@studio.it"})
    assert first.status_code == 201 and first.json()["message_id"] == "<abc@studio.it>"
    dup = api.post("/v1/dispatches", json={**base, "channel": "pec", "message_id": "<abc@studio.it>"})
    assert dup.status_code == 409 and dup.json()["field"] == "message_id"
    generated = api.post("/v1/dispatches", json={**base, "channel": "pec"}).json()
    assert generated["message_id"].startswith("<") and generated["message_id"].endswith("@correspondence.invalid>")
    other_case = api.case()
    r = api.post("/v1/dispatches", json={**base, "case_id": other_case["id"], "channel": "burofax"})
    assert r.status_code == 422 and r.json()["field"] == "document_id"
    defaults = api.post("/v1/dispatches", json={**base, "channel": "burofax"}).json()
    assert defaults["deadline_days"] == 15 and defaults["jurisdiction"] == "IT"


def test_json_bodies_have_their_own_smaller_limit(api: Api) -> None:
    data = json_ready(example("it"))
    data["place"] = "x" * (3 * 1024 * 1024)
    r = api.post("/v1/cases", json=data)
    assert r.status_code == 413 and r.json()["type"].endswith("too-large")


def test_electronic_channels_need_an_address(api: Api) -> None:
    case = api.case()
    doc = api.document(case["id"])
    r = api.post("/v1/dispatches", json={"case_id": case["id"], "document_id": doc["id"], "channel": "pec",
                                        "recipient": "Via Roma 1, Milano"})
    assert r.status_code == 422 and r.json()["field"] == "recipient"


def test_event_details_are_bounded(api: Api) -> None:
    d = api.dispatch("raccomandata_ar")
    r = api.post(f"/v1/dispatches/{d['id']}/events", json={
        "type": "accepted", "occurred_at": "2026-03-02T10:00:00+01:00", "details": {"note": "x" * 5000}})
    assert r.status_code == 422 and r.json()["field"] == "details.note"


def test_idempotency_key_makes_creates_safe_to_retry(api: Api, other: Api) -> None:
    from concurrent.futures import ThreadPoolExecutor

    data = json_ready(example("it"))
    first = api.post("/v1/cases", json=data, headers={"Idempotency-Key": "case-42"})
    again = api.post("/v1/cases", json=data, headers={"Idempotency-Key": "case-42"})
    assert (first.status_code, again.status_code) == (201, 200) and first.json() == again.json()
    changed = {**data, "place": "Torino"}
    r = api.post("/v1/cases", json=changed, headers={"Idempotency-Key": "case-42"})
    assert r.status_code == 422 and r.json()["field"] == "Idempotency-Key"
    assert other.post("/v1/cases", json=data, headers={"Idempotency-Key": "case-42"}).status_code == 201  # per tenant
    assert len(api.get("/v1/cases").json()) == 1

    doc = api.document(first.json()["id"])
    body = {"case_id": first.json()["id"], "document_id": doc["id"], "channel": "burofax", "recipient": "Calle 1"}

    def post(_: int):
        return api.post("/v1/dispatches", json=body, headers={"Idempotency-Key": "d-1"})

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(post, range(4)))
    assert sorted(r.status_code for r in results) == [200, 200, 200, 201]
    assert len({r.json()["id"] for r in results}) == 1
    assert len(api.get("/v1/dispatches").json()) == 1
    assert api.post("/v1/dispatches", json=body).status_code == 201  # without a key: a new dispatch
    bad = api.post("/v1/dispatches", json=body, headers={"Idempotency-Key": "has space"})
    assert bad.status_code == 422 and bad.json()["field"] == "Idempotency-Key"


def test_case_reports_prescription_and_warns_when_it_is_near(api: Api) -> None:
    fresh = api.case()
    assert fresh["prescription"]["status"] == "ok" and not [w for w in fresh["warnings"] if "prescri" in w]
    assert fresh["prescription"]["date"] == "2036-03-31"  # 10 years from the earliest due date (art. 2946 c.c.)
    # a consumer utility bill due two years ago, minus a month: two-year prescription (L. 205/2017)
    due = dt.date.today().replace(year=dt.date.today().year - 2) + dt.timedelta(days=30)
    old = api.case(credit_type="utilities", kind="first_demand", debtor__type="consumer",
                   debtor__tax_id="RSSMRA85T10A562S", claim__payments=[], date=dt.date.today().isoformat(),
                   claim__invoices=[{"number": "B-1", "issue_date": (due - dt.timedelta(days=20)).isoformat(),
                                     "due_date": due.isoformat(), "amount": "180.00"}])
    assert old["prescription"]["status"] == "expiring"
    presc = [w for w in old["warnings"] if "prescri" in w]
    assert len(presc) == 1 and "B-1 prescribes on" in presc[0]
