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
    data = copy.deepcopy(read_case_file(EXAMPLES / f"case-{language}.yaml"))
    for dotted, value in changes.items():
        target = data
        *parents, leaf = dotted.split("__")
        for key in parents:
            target = target.setdefault(key, {})
        target[leaf] = value
    return data
