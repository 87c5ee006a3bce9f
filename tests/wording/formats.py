"""Render a case to both formats and read the text back (pdftotext for the PDF, python-docx for the DOCX)."""
from __future__ import annotations

from typing import Any

from correspondence.casefile import build_case
from correspondence.model import Case
from correspondence.render import compose_document, render_docx, render_pdf
from tests.casedata import CONSUMER_TAX_IDS, example
from tests.textutil import docx_text, pdf_flat


def case_of(language: str, **changes: Any) -> Case:
    """The example case of `language` with `changes` (dotted with "__"), validated."""
    return build_case(example(language, **changes))


def consumer(language: str, **changes: Any) -> Case:
    names = {"it": ("Mario Rossi", "Sig."), "es": ("Juan García López", "D.")}
    name, title = names[language]
    extra = {"debtor__type": "consumer", "debtor__name": name, "debtor__title": title,
             "debtor__tax_id": CONSUMER_TAX_IDS[language]}
    if language == "es":
        extra["debtor__surname"] = "García"
    extra.update(changes)
    return case_of(language, **extra)


def texts(case: Case) -> dict[str, str]:
    """{"pdf": ..., "docx": ...}: each format's whole text on one line."""
    doc = compose_document(case)
    pdf = render_pdf(doc)  # the DOCX takes the PDF's layout decision without laying it out again
    return {"pdf": pdf_flat(pdf.data), "docx": docx_text(render_docx(doc, compact=pdf.compact)).replace("\n", " ")}


def money(language: str, amount: str) -> str:
    from decimal import Decimal

    from correspondence.wording import language_pack

    return language_pack(language).money(Decimal(amount)).replace("\xa0", " ")


def assert_in_both(case: Case, *present: str, absent: tuple[str, ...] = ()) -> dict[str, str]:
    out = texts(case)
    for fmt, text in out.items():
        for phrase in present:
            assert phrase in text, f"{fmt}: {phrase!r} missing"
        for phrase in absent:
            assert phrase not in text, f"{fmt}: {phrase!r} present"
    return out
