"""The OpenAPI document states the constraints the server enforces (issue 11 item 8), so a client built
from it does not send requests the server then refuses: postal-code formats, amounts as strings with their
pattern, business-date bounds, accepted upload types, and the no-control-characters rule for text."""
from __future__ import annotations

import re

from correspondence.model.base import MONEY_PATTERN, TEXT_PATTERN


def _schema(api) -> dict:
    r = api.get("/openapi.json")
    assert r.status_code == 200
    return r.json()


def test_postal_codes_amounts_and_dates_are_described(api) -> None:
    doc = _schema(api)
    components = doc["components"]["schemas"]
    rules = {rule["if"]["properties"]["country"]["const"]: rule["then"]["properties"]["postal_code"]["pattern"]
             for rule in components["Address"]["allOf"]}
    assert re.fullmatch(rules["IT"], "20121") and not re.fullmatch(rules["IT"], "2012")
    assert re.fullmatch(rules["ES"], "28013") and not re.fullmatch(rules["ES"], "99013")
    for model, name in (("Invoice", "amount"), ("Payment", "amount"), ("Cost", "amount"), ("PaymentIn", "amount")):
        prop = components[model]["properties"][name]
        assert prop["type"] == "string" and prop["pattern"] == MONEY_PATTERN, (model, prop)
    assert not re.fullmatch(MONEY_PATTERN, "1e400") and not re.fullmatch(MONEY_PATTERN, "9" * 13)
    paid_on = components["PaymentIn"]["properties"]["paid_on"]
    assert paid_on["format"] == "date" and not re.fullmatch(paid_on["pattern"], "1900-01-01")
    assert re.fullmatch(paid_on["pattern"], "2026-04-01")


def test_upload_types_are_listed(api) -> None:
    paths = _schema(api)["paths"]
    documents = paths["/v1/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert set(documents["encoding"]["file"]["contentType"].split(", ")) == {
        "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/pkcs7-mime", "application/xml", "text/xml"}  # what PEC carries
    receipts = paths["/v1/dispatches/{dispatch_id}/receipts"]["post"]["requestBody"]["content"]["multipart/form-data"]
    accepted = set(receipts["encoding"]["file"]["contentType"].split(", "))
    assert {"message/rfc822", "application/pdf", "image/png", "application/xml"} <= accepted


def test_free_text_states_the_control_character_rule_on_requests_only(api) -> None:
    components = _schema(api)["components"]["schemas"]
    assert components["Debtor"]["properties"]["name"]["pattern"] == TEXT_PATTERN
    recipient = components["DispatchIn"]["properties"]["recipient"]
    assert recipient["pattern"] == TEXT_PATTERN and not re.fullmatch(TEXT_PATTERN, "a\x00b")
    assert "pattern" not in components["ReceiptOut"]["properties"]["filename"]  # answers are not constrained
    assert components["Address"]["properties"]["country"]["pattern"] == "^[A-Z]{2}$"  # own patterns kept
