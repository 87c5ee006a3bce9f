"""The staff pages' words in Italian and Spanish, keyed by the English text (enum values as `group.value`)."""
from __future__ import annotations

CATALOGUE: dict[str, dict[str, str]] = {}
