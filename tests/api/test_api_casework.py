"""One case through the recovery process: what is recorded on the case reaches its next document and the
API's figures, on SQLite and PostgreSQL (the `api` fixture runs on both)."""
from __future__ import annotations

from decimal import Decimal

from tests.api.conftest import Api
from tests.textutil import pdf_flat


def eur(value: str) -> str:
    """Italian money format as letters print it: 1.777,30."""
    whole, cents = f"{Decimal(value):,.2f}".split(".")
    return f"{whole.replace(',', '.')},{cents}"


def render(api: Api, case_id: str, **body: object) -> dict:
    r = api.post(f"/v1/cases/{case_id}/documents", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def content(api: Api, doc: dict) -> bytes:
    r = api.get(f"/v1/documents/{doc['id']}/content")
    assert r.status_code == 200
    return r.content


def test_a_payment_reaches_the_next_letter_and_the_case_figures(api: Api) -> None:
    case = api.case()  # letter date 2026-11-23; 200.00 paid on 2026-05-10 in the case file
    before = render(api, case["id"], date="2026-11-23")
    assert "2.081,15" in pdf_flat(content(api, before))  # the total due before the new payment
    r = api.post(f"/v1/cases/{case['id']}/payments", json={"paid_on": "2026-10-01", "amount": "300.00"})
    assert r.status_code == 201
    doc = render(api, case["id"], date="2026-11-23")
    text = pdf_flat(content(api, doc))
    figures = api.get(f"/v1/cases/{case['id']}", params={"at": "2026-11-23"}).json()["figures"]
    assert figures["payments"] == "500.00" and Decimal(figures["total_due"]) < Decimal("2081.15")
    assert "2.081,15" not in text and "300,00" in text and "500,00" in text
    assert eur(figures["total_due"]) in text and eur(figures["principal_outstanding"]) in text
    assert doc["made_from"]["figures"] == {**doc["made_from"]["figures"], "total_due": figures["total_due"],
                                           "principal_outstanding": figures["principal_outstanding"]}
    assert doc["kind"] == "legal_notice" and doc["case_version"] == 1 and doc["letter_date"] == "2026-11-23"
    assert doc["made_from"]["wording_version"].startswith("it-") and doc["made_from"]["payments_recorded"] == 1


def test_a_payment_after_the_letter_date_is_kept_out_of_that_letter(api: Api) -> None:
    case = api.case()
    assert api.post(f"/v1/cases/{case['id']}/payments", json={"paid_on": "2026-11-25", "amount": "300.00"}
                    ).status_code == 201
    text = pdf_flat(content(api, render(api, case["id"], date="2026-11-23")))
    assert "2.081,15" in text and "300,00" not in text
    assert api.get(f"/v1/cases/{case['id']}", params={"at": "2026-11-23"}).json()["figures"]["payments"] == "200.00"
    assert api.get(f"/v1/cases/{case['id']}", params={"at": "2026-11-26"}).json()["figures"]["payments"] == "500.00"


def test_a_payment_larger_than_what_is_owed_is_refused_with_the_amount_owed(api: Api) -> None:
    case = api.case()
    r = api.post(f"/v1/cases/{case['id']}/payments", json={"paid_on": "2026-11-01", "amount": "5000.00"})
    assert r.status_code == 422 and r.json()["field"] == "amount"
    owed = api.get(f"/v1/cases/{case['id']}", params={"at": "2026-11-01"}).json()["total_due"]
    assert f"the {owed} EUR owed on 2026-11-01" in r.json()["detail"]
    r = api.post(f"/v1/cases/{case['id']}/payments", json={"paid_on": "2099-01-01", "amount": "1.00"})
    assert r.status_code == 422 and r.json()["field"] == "paid_on"
    r = api.post(f"/v1/cases/{case['id']}/payments", json={"paid_on": "2026-11-01", "amount": "1.00",
                                                          "invoice": "nope"})
    assert r.status_code == 422 and r.json()["field"] == "invoice"
    timeline = api.get(f"/v1/cases/{case['id']}/timeline").json()["entries"]
    assert [e["summary"] for e in timeline if e["kind"] == "payment"] == ["Payment of EUR 200.00 (case file)"]


def test_any_document_kind_at_any_date_and_the_case_version_it_used(api: Api) -> None:
    case = api.case()
    report = render(api, case["id"], kind="uncollectability_report", date="2026-11-30", format="docx")
    assert report["kind"] == "uncollectability_report" and report["letter_date"] == "2026-11-30"
    r = api.patch(f"/v1/cases/{case['id']}", json={
        "changes": {"debtor": {"address": {"street": "Corso Francia 5", "postal_code": "10138"}}},
        "reason": "new address after tracing"})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["data"]["debtor"]["address"]["street"] == "Corso Francia 5"
    notice = render(api, case["id"], kind="second_demand", tone="stern", date="2026-11-30")
    assert notice["case_version"] == 2 and "Corso Francia 5" in pdf_flat(content(api, notice))
    assert api.get(f"/v1/documents/{report['id']}").json()["case_version"] == 1  # old documents keep theirs
    versions = api.get(f"/v1/cases/{case['id']}/versions").json()
    assert [(v["version"], v["reason"]) for v in versions] == [(1, "opened"), (2, "new address after tracing")]
    assert versions[0]["data"]["debtor"]["address"]["street"] == "Via Garibaldi 22"  # nothing overwritten
    # an amendment that breaks the case is refused naming the field, and writes nothing
    r = api.patch(f"/v1/cases/{case['id']}", json={"changes": {"debtor": {"address": {"postal_code": "ABC"}}}})
    assert r.status_code == 422 and r.json()["field"] == "debtor.address.postal_code"
    assert api.get(f"/v1/cases/{case['id']}").json()["version"] == 2
    r = api.post(f"/v1/cases/{case['id']}/documents", json={"kind": "nonsense"})
    assert r.status_code == 422 and r.json()["field"] == "kind"


def test_signing_signs_the_stored_bytes(api: Api, tmp_path, monkeypatch) -> None:
    from correspondence import pipeline
    from correspondence.sign import verify_pdf

    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path))  # the demo certificate is the embedded default
    pipeline.server_key.cache_clear()
    roots = [tmp_path / "demo-cert" / "demo-ca.pem"]

    def verified(data: bytes) -> bool:
        report = verify_pdf(data, roots, allow_fetching=False)
        assert report.valid, report.all_problems()
        return True

    case = api.case()
    signed = render(api, case["id"], date="2026-11-23", sign=True)
    unsigned = api.get(f"/v1/documents/{signed['signed_from_id']}").json()
    signed_bytes, unsigned_bytes = content(api, signed), content(api, unsigned)
    assert signed_bytes.startswith(unsigned_bytes) and len(signed_bytes) > len(unsigned_bytes)
    assert verified(signed_bytes)
    # a stored unsigned document signed later: again an incremental update over exactly its bytes
    plain = render(api, case["id"], date="2026-11-24")
    r = api.post(f"/v1/documents/{plain['id']}/sign", json={})
    assert r.status_code == 201, r.text
    later = r.json()
    assert later["signed_from_id"] == plain["id"] and later["case_version"] == plain["case_version"]
    later_bytes = content(api, later)
    assert later_bytes.startswith(content(api, plain)) and verified(later_bytes)
    r = api.post(f"/v1/documents/{later['id']}/sign", json={})
    assert r.status_code == 422 and r.json()["field"] == "document"
    pipeline.server_key.cache_clear()


def test_a_delivered_letter_reaches_the_next_one_and_interrupts_prescription(api: Api) -> None:
    case = api.case(kind="first_demand", actions=[], date="2026-06-01")
    first = render(api, case["id"], date="2026-06-01")
    body = {"case_id": case["id"], "document_id": first["id"], "channel": "raccomandata_ar",
            "recipient": "Via Garibaldi 22, 10122 Torino"}
    dispatch = api.post("/v1/dispatches", json=body).json()
    assert api.get(f"/v1/cases/{case['id']}").json()["prescription"]["date"] == "2036-03-31"
    api.event(dispatch["id"], "accepted", "2026-06-01T16:00:00+02:00")
    api.event(dispatch["id"], "delivered", "2026-06-04T10:30:00+02:00")
    # delivered on 4 June 2026: the term of every invoice restarts from there (art. 2943 c.4 c.c.)
    assert api.get(f"/v1/cases/{case['id']}").json()["prescription"]["date"] == "2036-06-04"
    second = render(api, case["id"], kind="second_demand", date="2026-07-01")
    text = pdf_flat(content(api, second))
    assert "1° giugno 2026" in text or "01/06/2026" in text
    assert second["made_from"]["letters"] == [dispatch["id"]]


def test_an_undelivered_letter_does_not_interrupt_prescription(api: Api) -> None:
    case = api.case(kind="first_demand", actions=[], date="2026-06-01")
    first = render(api, case["id"], date="2026-06-01")
    dispatch = api.post("/v1/dispatches", json={"case_id": case["id"], "document_id": first["id"],
                                                "channel": "raccomandata_ar", "recipient": "Via X 1, Torino"}).json()
    api.event(dispatch["id"], "accepted", "2026-06-01T16:00:00+02:00")
    api.event(dispatch["id"], "undeliverable", "2026-06-04T10:30:00+02:00")
    assert api.get(f"/v1/cases/{case['id']}").json()["prescription"]["date"] == "2036-03-31"
    assert api.get(f"/v1/cases/{case['id']}/next").json()["step"] == "phone_call"


def test_the_next_step_follows_the_phases_of_the_process(api: Api) -> None:
    invoice = {"number": "2026/101", "issue_date": "2026-03-01", "due_date": "2026-03-31", "amount": "1250.00"}
    case = api.case(kind="first_demand", actions=[], date="2026-04-10", claim__payments=[], claim__invoices=[invoice])
    cid = case["id"]

    def step(at: str) -> dict:
        return api.get(f"/v1/cases/{cid}/next", params={"at": at}).json()

    def log(on: str, type_: str, outcome: str = "") -> None:
        assert api.post(f"/v1/cases/{cid}/actions", json={"occurred_on": on, "type": type_,
                                                         "outcome": outcome or None}).status_code == 201

    def send(kind: str, on: str, delivered: str) -> str:
        doc = render(api, cid, kind=kind, date=on)
        d = api.post("/v1/dispatches", json={"case_id": cid, "document_id": doc["id"], "channel": "raccomandata_ar",
                                             "recipient": "Via Garibaldi 22, 10122 Torino"}).json()
        api.event(d["id"], "accepted", f"{on}T17:00:00+02:00")
        api.event(d["id"], "delivered", f"{delivered}T10:00:00+02:00")
        return d["id"]

    assert step("2026-04-10")["step"] == "data_check"
    log("2026-04-09", "data_check", "visura camerale: società attiva")
    assert step("2026-04-10")["step"] == "first_demand"
    send("first_demand", "2026-04-10", "2026-04-14")
    s = step("2026-04-20")
    assert (s["phase"], s["step"], s["due"], s["overdue"]) == ("first_demand", "phone_call", "2026-04-29", False)
    assert step("2026-05-04")["overdue"] is True
    log("2026-05-04", "phone_call", "irreperibile")
    assert step("2026-05-05")["step"] == "tracing"
    log("2026-05-06", "tracing", "nuovo indirizzo trovato")
    assert step("2026-05-07")["step"] == "second_demand"
    send("second_demand", "2026-05-08", "2026-05-11")
    assert step("2026-05-12")["step"] == "home_visit"
    log("2026-05-25", "home_visit", "debitore assente")
    assert step("2026-05-26")["step"] == "legal_notice"
    send("legal_notice", "2026-06-01", "2026-06-03")
    waiting = step("2026-06-10")
    assert waiting["step"] == "court_or_report" and waiting["overdue"] is False
    s = step("2026-06-20")
    assert s["phase"] == "legal_notice" and s["step"] == "court_or_report" and s["overdue"] is True
    assert s["summary"] == ("legal notice delivered by raccomandata_ar on 2026-06-03, deadline 2026-06-18 passed, "
                            "no payment since: prepare the uncollectability report or hand over to court")
    due = api.get("/v1/cases", params={"due": "2026-12-31"}).json()
    assert [c["id"] for c in due] == [cid]
    assert api.get("/v1/cases", params={"due": "2026-01-01"}).json() == []


def test_unverified_rates_are_warned_about_and_refused_when_strict(api: Api) -> None:
    """Issue 12 item 24: the example's 2026-H2 commercial rate is marked unverified in the tables."""
    case = api.case()
    assert any("commercial_it rate for 2026-H2 is unverified" in w for w in case["warnings"])
    doc = render(api, case["id"], date="2026-11-23")
    assert any("2026-H2" in w for w in doc["made_from"]["warnings"])
    r = api.post(f"/v1/cases/{case['id']}/documents", json={"date": "2026-11-23", "strict": True})
    assert r.status_code == 422 and r.json()["field"] == "strict" and "unverified" in r.json()["detail"]
