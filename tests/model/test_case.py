"""Case validation: ids, IBANs, postal codes, amounts, and errors that name the field."""
from __future__ import annotations

from decimal import Decimal

import pytest

from correspondence.casefile import build_case, parse_case_text
from correspondence.errors import InputError
from correspondence.model.identifiers import validate_iban, validate_province, validate_tax_id
from tests.casedata import example


@pytest.mark.parametrize(("value", "country", "expected"), [
    ("IT12345670017", "IT", "IT12345670017"),
    ("123 4567 0017", "IT", "12345670017"),
    ("rssmra85t10a562s", "IT", "RSSMRA85T10A562S"),
    ("B58378431", "ES", "B58378431"),
    ("ESB58378431", "IT", "ESB58378431"),
    ("12345678-Z", "ES", "12345678Z"),
    ("X1234567L", "ES", "X1234567L"),
])
def test_valid_tax_ids(value, country, expected):
    assert validate_tax_id(value, country) == expected


@pytest.mark.parametrize(("value", "country", "reason"), [
    ("IT12345670018", "IT", "partita IVA"),
    ("RSSMRA85T10A562X", "IT", "codice fiscale"),
    ("12345678A", "ES", "NIF"),
    ("B58378432", "ES", "NIF"),
    ("1234", "IT", "codice fiscale"),
])
def test_invalid_tax_ids_say_why(value, country, reason):
    with pytest.raises(ValueError, match=reason):
        validate_tax_id(value, country)


def test_iban_checksum_and_spanish_province_match():
    assert validate_iban("IT60 X054 2811 1010 0000 0123 456") == "IT60X0542811101000000123456"
    with pytest.raises(ValueError, match="IBAN"):
        validate_iban("IT61X0542811101000000123456")
    assert validate_province("barcelona", "08017", "ES") == "Barcelona"
    with pytest.raises(ValueError, match="does not match"):
        validate_province("Madrid", "08017", "ES")


def test_yaml_floats_become_exact_decimals():
    data = parse_case_text("amount: 1250.10\nother: 0.1\n")
    assert data == {"amount": Decimal("1250.10"), "other": Decimal("0.1")}


def test_defaults_jurisdiction_and_deadline_from_language_and_kind():
    case = build_case(example("es", kind="second_demand", deadline_days=None))
    assert case.jurisdiction.value == "ES" and case.deadline_days == 10


def test_errors_collect_every_field():
    data = example("it", debtor__tax_id="XX", creditor__iban="IT00")
    with pytest.raises(InputError) as err:
        build_case(data)
    fields = {e.field for e in err.value.errors}
    assert {"debtor.tax_id", "creditor.iban"} <= fields


def test_unknown_fields_are_refused():
    with pytest.raises(InputError) as err:
        build_case(example("it", debtor__nmae="typo"))
    assert err.value.field == "debtor.nmae"


def test_consumers_get_at_least_15_days_by_default():
    from tests.casedata import CONSUMER_TAX_IDS

    consumer = build_case(example("it", kind="second_demand", deadline_days=None, debtor__type="consumer",
                                  debtor__tax_id=CONSUMER_TAX_IDS["it"]))
    business = build_case(example("it", kind="second_demand", deadline_days=None))
    assert (consumer.deadline_days, business.deadline_days) == (15, 10)


def test_italian_termination_needs_15_days():
    with pytest.raises(InputError) as err:
        build_case(example("it", deadline_days=10, options={"termination": True}))
    assert err.value.field == "deadline_days" and "1454" in err.value.reason


def test_python_floats_are_refused_as_amounts():
    data = example("it")
    data["claim"]["invoices"][0]["amount"] = 1250.1
    with pytest.raises(InputError) as err:
        build_case(data)
    assert err.value.field == "claim.invoices.0.amount" and "float" in err.value.reason
