"""Plans and promises through the API: recorded on the case, payments matched to instalments, the broken plan
raising the next step, the acknowledgment moving prescription, the missed-instalment notice rendered."""
from __future__ import annotations

import copy

from tests.api.conftest import Api
from tests.casedata import PLANS
from tests.textutil import pdf_flat


def _plan(api: Api, case_id: str, **changes) -> dict:
    body = {**copy.deepcopy(PLANS["it"]), **changes}
    r = api.post(f"/v1/cases/{case_id}/plans", json=body)
    assert r.status_code == 201, r.text
    assert r.headers["location"] == f"/v1/cases/{case_id}/plans/{r.json()['id']}"
    return r.json()


def test_a_plan_paid_on_time_then_missed_raises_the_missed_instalment_notice(api: Api) -> None:
    case = api.case()  # 1 880,50 outstanding after the 200,00 paid in May
    plan = _plan(api, case["id"])
    assert plan["acknowledged"] == "1880.50" and plan["total"] == "1889.27" and plan["interest_total"] == "8.77"
    assert api.post(f"/v1/cases/{case['id']}/payments", json={"paid_on": "2026-10-30", "amount": "704.64"}
                    ).status_code == 201
    url = f"/v1/cases/{case['id']}/plans/{plan['id']}"
    running = api.get(url, params={"at": "2026-11-05"}).json()
    assert [i["status"] for i in running["instalments"]] == ["paid", "pending", "pending"]
    assert running["balance"] == "1184.63" and running["balance_due"] == "0.00" and not running["accelerated"]
    step = api.get(f"/v1/cases/{case['id']}/next", params={"at": "2026-11-05"}).json()
    assert step["phase"] == "plan" and step["step"] == "await_instalment" and step["due"] == "2026-12-11"
    seen = api.get(f"/v1/cases/{case['id']}", params={"at": "2026-11-05"}).json()  # the case view shows it too
    assert seen["plan"] == {"type": "plan", "agreed_on": plan["agreed_on"], "total": "1889.27", "paid": "704.64",
                            "balance": "1184.63", "overdue": "0.00", "balance_due": "0.00", "broken_on": None,
                            "status": "running"}
    assert api.get(f"/v1/cases/{case['id']}", params={"at": plan["agreed_on"]}).json()["plan"]["paid"] == "0.00"

    broken = api.get(url, params={"at": "2026-12-20"}).json()
    assert [i["status"] for i in broken["instalments"]] == ["paid", "missed", "pending"]
    assert broken["accelerated"] and broken["broken_on"] == "2026-12-11" and broken["balance_due"] == "1183.41"
    seen = api.get(f"/v1/cases/{case['id']}", params={"at": "2026-12-20"}).json()["plan"]
    assert seen["status"] == "broken" and seen["broken_on"] == "2026-12-11" and seen["balance_due"] == "1183.41"
    step = api.get(f"/v1/cases/{case['id']}/next", params={"at": "2026-12-20"}).json()
    assert step["step"] == "missed_instalment" and step["overdue"] and "1183.41" in step["summary"]
    assert "art. 1186" in step["summary"]


def test_the_signed_plan_interrupts_prescription_and_reaches_the_letter(api: Api) -> None:
    case = api.case("it", credit_type="rent")  # 5 years, art. 2948 n.3 c.c.
    before = api.get(f"/v1/cases/{case['id']}", params={"at": "2026-11-23"}).json()["prescription"]
    _plan(api, case["id"])
    after = api.get(f"/v1/cases/{case['id']}", params={"at": "2026-11-23"}).json()["prescription"]
    assert before["date"] == "2031-03-31" and after["date"] == "2031-10-01"
    assert after["interrupted"] and after["since"] == "2026-10-01"
    r = api.post(f"/v1/cases/{case['id']}/documents", json={"kind": "payment_plan", "date": "2026-11-23"})
    assert r.status_code == 201, r.text
    text = pdf_flat(api.get(f"/v1/documents/{r.json()['id']}/content").content)
    assert "art. 1988 c.c." in text and "1.889,27 €" in text and "non pagata" in text  # 1st missed by 23 Nov


def test_a_promise_kept_closes_the_case(api: Api) -> None:
    case = api.case()
    r = api.post(f"/v1/cases/{case['id']}/promises",
                 json={"amount": "1880.50", "due_date": "2026-11-15", "promised_on": "2026-11-01", "written": True})
    assert r.status_code == 201, r.text
    promise = r.json()
    assert promise["type"] == "promise" and promise["signed_on"] == "2026-11-01"
    assert api.post(f"/v1/cases/{case['id']}/payments", json={"paid_on": "2026-11-14", "amount": "1880.50"}
                    ).status_code == 201
    kept = api.get(f"/v1/cases/{case['id']}/plans", params={"at": "2026-11-20"}).json()
    assert [(p["type"], p["kept"]) for p in kept] == [("promise", True)]
    assert api.get(f"/v1/cases/{case['id']}", params={"at": "2026-11-20"}).json()["plan"]["status"] == "kept"
    assert api.get(f"/v1/cases/{case['id']}", params={"at": "2026-10-31"}).json()["plan"] is None  # not yet agreed
    step = api.get(f"/v1/cases/{case['id']}/next", params={"at": "2026-11-20"}).json()
    assert step["step"] == "close" and "promise was kept" in step["summary"]


def test_bad_plans_are_422_naming_the_field(api: Api) -> None:
    case = api.case()
    url = f"/v1/cases/{case['id']}/plans"
    body = copy.deepcopy(PLANS["it"])
    body["instalments"][0]["amount"] = "600.00"
    r = api.post(url, json=body)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == "instalments" and "1780.50" in r.json()["detail"]
    body = copy.deepcopy(PLANS["it"])
    body["instalments"][2]["due_date"] = "2026-11-01"
    assert api.post(url, json=body).json()["field"] == "instalments.2.due_date"
    body = {**copy.deepcopy(PLANS["it"]), "acknowledged": "9000.00"}
    body["instalments"][2]["amount"] = "7600.00"
    r = api.post(url, json=body)
    assert r.status_code == 422 and r.json()["field"] == "acknowledged" and "owed on 2026-10-01" in r.json()["detail"]
    r = api.post(url, json={**copy.deepcopy(PLANS["it"]), "signed_on": "2099-01-01"})
    assert r.status_code == 422
    assert api.get(f"/v1/cases/{case['id']}/plans").json() == []  # nothing half-written


def test_another_tenants_plan_is_not_found(api: Api, other: Api) -> None:
    case = api.case()
    plan = _plan(api, case["id"])
    assert other.get(f"/v1/cases/{case['id']}/plans/{plan['id']}").status_code == 404
    assert api.get(f"/v1/cases/{case['id']}/plans/00000000-0000-0000-0000-000000000000").status_code == 404


def test_the_report_lists_the_broken_plan_and_the_promise_that_followed(api: Api) -> None:
    case = api.case()
    _plan(api, case["id"])  # nothing paid: the 1st instalment is missed after 10 Nov 2026
    r = api.post(f"/v1/cases/{case['id']}/promises",
                 json={"amount": "500.00", "due_date": "2026-11-28", "promised_on": "2026-11-20"})
    assert r.status_code == 201, r.text
    r = api.get(f"/v1/cases/{case['id']}/report", params={"date": "2026-11-30", "format": "docx"})
    assert r.status_code == 200, r.text
    from tests.textutil import docx_text

    text = docx_text(r.content)
    assert "piano di rientro del 1° ottobre 2026 (sottoscritto), per 1.889,27 €, pagati 0,00 €: non rispettato " \
           "(inadempimento dall'11 novembre 2026)" in text
    assert "Promessa di pagamento del 20 novembre 2026" in text and "non rispettato" in text


def test_a_plan_paid_in_full_but_late_closes_the_case_rather_than_failing(api: Api) -> None:
    """Found by the stateful API test: every instalment paid, the last after its grace period, so the plan
    was broken once yet nothing is missed or unpaid; the next step is to close, not a server error."""
    case = api.case()
    _plan(api, case["id"], interest_rate=None, grace_days=10,
          instalments=[{"due_date": "2026-10-31", "amount": "1880.50"}])
    assert api.post(f"/v1/cases/{case['id']}/payments", json={"paid_on": "2026-11-20", "amount": "1880.50"}
                    ).status_code == 201
    r = api.get(f"/v1/cases/{case['id']}/next", params={"at": "2026-11-25"})
    assert r.status_code == 200, r.text
    assert r.json()["phase"] == "settled" and r.json()["step"] == "close"
    assert "some late" in r.json()["summary"]
