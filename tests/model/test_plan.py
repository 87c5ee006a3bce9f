"""The case file's plan and offer: refused with the field named when they cannot be an agreement."""
from __future__ import annotations

import pytest

from correspondence.casefile import build_case
from correspondence.errors import InputError
from correspondence.render import compose_document
from tests.casedata import agreement_example


def _refused(data) -> InputError:
    with pytest.raises(InputError) as caught:
        compose_document(build_case(data))
    return caught.value


def test_instalments_must_add_up_to_the_acknowledged_amount():
    data = agreement_example("it", "payment_plan")
    data["plan"]["instalments"][2]["amount"] = "480.49"
    error = _refused(data)
    assert error.field == "plan.instalments"
    assert "1880.49" in error.reason and "1880.50" in error.reason


def test_instalment_dates_must_ascend():
    data = agreement_example("es", "payment_plan")
    data["plan"]["instalments"][1]["due_date"] = "2026-10-31"
    error = _refused(data)
    assert error.field == "plan.instalments.1.due_date" and "ascending" in error.reason


def test_a_plan_cannot_acknowledge_more_than_is_owed():
    data = agreement_example("it", "payment_plan", plan__acknowledged="5000.00")
    data["plan"]["instalments"][2]["amount"] = "3600.00"
    error = _refused(data)
    assert error.field == "plan.acknowledged" and "owed on 2026-10-01" in error.reason


def test_an_instalment_after_the_prescription_date_is_refused():
    # Spanish consumer goods sale: 3 years (art. 1967.4ª CC) from the acknowledgment of 1 Oct 2026
    data = agreement_example("es", "payment_plan", debtor__type="consumer", debtor__tax_id="12345678Z")
    data["plan"]["instalments"][2]["due_date"] = "2029-10-02"
    error = _refused(data)
    assert error.field == "plan.instalments.2.due_date" and "prescribes (2029-10-01)" in error.reason


def test_offer_validity_before_the_letter_date_is_refused():
    error = _refused(agreement_example("it", "settlement_offer", offer__valid_until="2026-11-22"))
    assert error.field == "offer.valid_until"


@pytest.mark.parametrize(("offer", "field"), [
    ({"discount": "100", "valid_until": "2026-12-15"}, "offer.discount"),
    ({"discount": "0", "valid_until": "2026-12-15"}, "offer.discount"),
    ({"amount": "99999.00", "valid_until": "2026-12-15"}, "offer.amount"),
    ({"amount": "100.00", "discount": "10", "valid_until": "2026-12-15"}, "offer.amount"),
])
def test_an_offer_must_waive_part_of_what_is_owed(offer, field):
    data = agreement_example("it", "settlement_offer")
    data["offer"] = offer
    assert _refused(data).field == field


@pytest.mark.parametrize(("kind", "field"), [("payment_plan", "plan"), ("missed_instalment", "plan"),
                                             ("settlement_offer", "offer")])
def test_agreement_kinds_need_their_agreement(kind, field):
    data = agreement_example("it", kind)
    data.pop(field)
    assert _refused(data).field == field


def test_a_receipt_needs_a_payment():
    data = agreement_example("es", "payment_receipt")
    data["claim"]["payments"] = []
    assert _refused(data).field == "claim.payments"


def test_a_missed_instalment_notice_needs_an_overdue_instalment():
    data = agreement_example("it", "missed_instalment", date="2026-11-20")
    error = _refused(data)
    assert error.field == "plan" and "no instalment is overdue" in error.reason


def test_a_promise_has_one_date():
    data = agreement_example("it", "payment_plan")
    data["plan"]["type"] = "promise"
    assert _refused(data).field == "plan.instalments"
