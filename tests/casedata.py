"""Case data shared by tests: the packaged example cases as plain dicts, ready to be varied."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from correspondence.casefile import read_case_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# Valid tax ids for consumers (codice fiscale, DNI).
CONSUMER_TAX_IDS = {"it": "RSSMRA85T10A562S", "es": "12345678Z"}


def example(language: str, /, **changes: Any) -> dict[str, Any]:
    """The example case of a language with top-level or dotted changes applied."""
    return _changed(copy.deepcopy(read_case_file(EXAMPLES / f"case-{language}.yaml")), changes)


def _changed(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    for dotted, value in changes.items():
        target = data
        *parents, leaf = dotted.split("__")
        for key in parents:
            target = target.setdefault(key, {})
        target[leaf] = value
    return data


#: A signed payment plan per language on the example's outstanding capital (IT 1 880,50 €: 1 250,00 + 830,50 -
#: 200,00 paid; ES 3 563,18 €: 2 420,00 + 1 038,18 + 605,00 - 500,00 paid), with and without agreed interest.
PLANS = {
    "it": {"acknowledged": "1880.50", "signed_on": "2026-10-01", "interest_rate": "3.00", "grace_days": 10,
           "instalments": [{"due_date": "2026-10-31", "amount": "700.00"}, {"due_date": "2026-11-30", "amount": "700.00"},
                           {"due_date": "2026-12-31", "amount": "480.50"}]},
    "es": {"acknowledged": "3563.18", "signed_on": "2026-10-01", "grace_days": 5,
           "instalments": [{"due_date": "2026-10-31", "amount": "1200.00"}, {"due_date": "2026-11-30", "amount": "1200.00"},
                           {"due_date": "2026-12-31", "amount": "1163.18"}]},
}
#: The first instalment as it falls due, agreed interest included (IT: 1 880,50 x 3% x 30/365 = 4,64).
FIRST_INSTALMENT = {"it": "704.64", "es": "1200.00"}


def agreement_example(language: str, kind: str, /, **changes: Any) -> dict[str, Any]:
    """The example case made into a document of an agreement: the plan (payment_plan), the plan with its first
    instalment paid on time (payment_receipt, dated 30 Oct 2026), the plan with the second instalment missed
    (missed_instalment, dated 20 Dec 2026), a 20% settlement offer valid to 15 Dec 2026 (settlement_offer).
    Other kinds: the plain example."""
    data = example(language, kind=kind)
    if kind in ("payment_plan", "payment_receipt", "missed_instalment"):
        data["plan"] = copy.deepcopy(PLANS[language])
    if kind in ("payment_receipt", "missed_instalment"):
        data["claim"]["payments"].append({"date": "2026-10-30", "amount": FIRST_INSTALMENT[language],
                                          "reference": "CRO-0001"})
    if kind == "payment_receipt":
        data["date"] = "2026-10-30"
    if kind == "missed_instalment":
        data["date"] = "2026-12-20"
    if kind == "settlement_offer":
        data["offer"] = {"discount": "20", "valid_until": "2026-12-15"}
    return _changed(data, changes)
