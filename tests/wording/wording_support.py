"""What both wording suites share: the dimensions of the matrix and rendering blocks through the real
engine and figures (no stub), plus the text a reader sees."""
from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from typing import Any

from correspondence.casefile import parse_case_text
from correspondence.figures import compute_statement, prescription
from correspondence.model import CreditType, DebtorType, DocumentKind, Tone
from correspondence.wording import Block, language_pack, write_blocks
from correspondence.wording.context import wording_context

ROOT = Path(__file__).resolve().parents[2]

# the demand matrix: the agreement kinds (plan, offer, receipt, missed instalment) have their own tests
KINDS = tuple(k.value for k in DocumentKind if not k.is_agreement)
LETTERS = tuple(k.value for k in DocumentKind if k.is_demand)
TONES = tuple(t.value for t in Tone)
CREDIT_TYPES = tuple(c.value for c in CreditType)
DEBTOR_TYPES = tuple(d.value for d in DebtorType)
ALL = list(itertools.product(KINDS, TONES, CREDIT_TYPES, DEBTOR_TYPES))


def example_data(language: str) -> dict[str, Any]:
    return parse_case_text((ROOT / "examples" / f"case-{language}.yaml").read_text(encoding="utf-8"))


def render_blocks(case, *, prescribed: bool = False) -> list[Block]:
    """The case's wording as blocks; `prescribed` forces a prescribed credit."""
    pack = language_pack(case.language.value)
    presc = prescription(case)
    if prescribed:
        presc = dataclasses.replace(presc, status="prescribed")
    return write_blocks(case.language.value, case.kind.value, wording_context(case, compute_statement(case), presc, pack))


def text_of(blocks: list[Block] | tuple[Block, ...]) -> str:
    return "\n".join(b.full_text for b in blocks).replace("\xa0", " ")  # no-break spaces read as spaces


def money_text(language: str, amount) -> str:
    """An amount as the text shows it (the no-break space before € read as a space)."""
    return language_pack(language).money(amount).replace("\xa0", " ")
