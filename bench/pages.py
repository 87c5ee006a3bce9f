"""Page counts of one-invoice reminders over kind x tone x credit type x debtor type (issue 12 item 25).

    .venv/bin/python bench/pages.py [it|es ...]

Prints, per language, how many first and second demands with one invoice fit on one page, and the
combinations that do not (with how many characters spill onto the last page).
"""
from __future__ import annotations

import collections
import io
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pypdf  # noqa: E402

from correspondence.casefile import build_case  # noqa: E402
from correspondence.model import CreditType, DebtorType, DocumentKind, Tone  # noqa: E402
from correspondence.render import compose_document, render_pdf  # noqa: E402
from tests.casedata import CONSUMER_TAX_IDS, example  # noqa: E402


def main(languages: list[str]) -> None:
    for lang in languages:
        counts: collections.Counter[int] = collections.Counter()
        spill = []
        for kind, tone, ct, dt in itertools.product((DocumentKind.first_demand, DocumentKind.second_demand), Tone,
                                                    CreditType, DebtorType):
            changes = {"kind": kind.value, "tone": tone.value, "credit_type": ct.value, "debtor__type": dt.value}
            if dt is DebtorType.consumer:
                changes["debtor__tax_id"] = CONSUMER_TAX_IDS[lang]
            data = example(lang, **changes)
            data["claim"]["invoices"] = data["claim"]["invoices"][:1]
            data["claim"]["payments"] = []
            rendered = render_pdf(compose_document(build_case(data)))
            counts[rendered.pages] += 1
            if rendered.pages > 1:
                last = pypdf.PdfReader(io.BytesIO(rendered.data)).pages[-1].extract_text()
                spill.append(f"{kind.value} {tone.value} {ct.value} {dt.value}: {len(last)} chars on the last page")
        print(f"{lang}: {counts[1]} of {sum(counts.values())} one-invoice reminders on one page {dict(counts)}")
        for line in spill:
            print("   ", line)


if __name__ == "__main__":
    main(sys.argv[1:] or ["it", "es"])
