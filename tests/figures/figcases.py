"""Small, self-contained cases for the figures tests (independent of the example files)."""
from __future__ import annotations

from typing import Any

from correspondence.model import Case

PARTIES = {
    "it": {
        "creditor": {"name": "Rossi Forniture S.r.l.", "tax_id": "IT12345670017",
                     "address": {"street": "Via Roma 1", "postal_code": "20121", "city": "Milano", "province": "MI",
                                 "country": "IT"}},
        "business": {"name": "Bianchi S.p.A.", "tax_id": "IT00743110157",
                     "address": {"street": "Via Garibaldi 22", "postal_code": "10122", "city": "Torino",
                                 "province": "TO", "country": "IT"}},
        "consumer": {"name": "Mario Rossi", "tax_id": "RSSMRA85T10A562S",
                     "address": {"street": "Via Po 3", "postal_code": "10123", "city": "Torino", "province": "TO",
                                 "country": "IT"}},
        "place": "Milano",
    },
    "es": {
        "creditor": {"name": "Distribuciones Diagonal, S.L.", "tax_id": "B58378431",
                     "address": {"street": "Avinguda Diagonal 640", "postal_code": "08017", "city": "Barcelona",
                                 "province": "Barcelona", "country": "ES"}},
        "business": {"name": "Construcciones Alcalá Norte, S.A.", "tax_id": "A28015865",
                     "address": {"street": "Calle de Alcalá 215", "postal_code": "28028", "city": "Madrid",
                                 "province": "Madrid", "country": "ES"}},
        "consumer": {"name": "Juan García", "tax_id": "12345678Z",
                     "address": {"street": "Calle Mayor 1", "postal_code": "28013", "city": "Madrid",
                                 "province": "Madrid", "country": "ES"}},
        "place": "Madrid",
    },
}


def inv(number: str, due: str, amount: str, issue: str | None = None) -> dict[str, Any]:
    return {"number": number, "issue_date": issue or due, "due_date": due, "amount": amount}


def case_data(language: str = "it", *, date: str, invoices: list[dict[str, Any]], debtor: str = "business",
              payments: list[dict[str, Any]] | None = None, kind: str = "first_demand", **extra: Any) -> dict[str, Any]:
    """Case data; `claim__x=` sets claim fields, `options__x=` options, other keywords the case."""
    parties = PARTIES[language]
    debtor_data = {**parties[debtor], "type": debtor}
    data: dict[str, Any] = {
        "language": language, "kind": kind, "date": date, "place": parties["place"],
        "creditor": parties["creditor"], "debtor": debtor_data, "signatory": {"name": "Avv. Test"},
        "claim": {"invoices": invoices, "payments": payments or []}, "options": {},
    }
    for key, value in extra.items():
        if key.startswith("claim__"):
            data["claim"][key[7:]] = value
        elif key.startswith("options__"):
            data["options"][key[9:]] = value
        else:
            data[key] = value
    return data


def make_case(language: str = "it", **kwargs: Any) -> Case:
    """A validated case built by `case_data`."""
    return Case.model_validate(case_data(language, **kwargs))
