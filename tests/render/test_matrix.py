"""Every kind x tone x credit type x debtor type x language renders to PDF and DOCX with the same facts."""
from __future__ import annotations

import dataclasses
import itertools
import re

import pytest

from correspondence.casefile import build_case
from correspondence.model import CreditType, DebtorType, DocumentKind, Tone
from correspondence.render import compose_document, render_docx, render_pdf
from correspondence.render.pdf import html_for
from correspondence.wording import language_pack
from tests.casedata import CONSUMER_TAX_IDS, example
from tests.textutil import docx_text, pdf_flat

LEAKS = ("None", "{{", "{%", "}}", "<p>", "</", "&lt;", "&amp;", "Undefined")

DEMAND_KINDS = [k for k in DocumentKind if not k.is_agreement]  # agreements: tests/render/test_agreements.py
COMBOS = list(itertools.product(("it", "es"), DEMAND_KINDS, Tone, CreditType, DebtorType))
# The uncollectability report is written for the creditor, in no tone: its courteous cell stands for the three,
# as test_the_uncollectability_report_is_the_same_in_every_tone proves (the other tones would render the
# very same HTML and Word content again).
REPORT = DocumentKind.uncollectability_report
CELLS = [c for c in COMBOS if c[1] is not REPORT or c[2] is Tone.courteous]


def _case(language, kind, tone, credit_type, debtor_type):
    changes = {"kind": kind.value, "tone": tone.value, "credit_type": credit_type.value, "debtor__type": debtor_type.value}
    if debtor_type is DebtorType.consumer:
        changes["debtor__tax_id"] = CONSUMER_TAX_IDS[language]
    return build_case(example(language, **changes))


@pytest.mark.parametrize(("language", "kind", "tone", "credit_type", "debtor_type"), CELLS,
                         ids=["-".join(str(getattr(x, "value", x)) for x in c) for c in CELLS])
def test_renders_same_facts_in_pdf_and_docx(language, kind, tone, credit_type, debtor_type):
    case = _case(language, kind, tone, credit_type, debtor_type)
    doc = compose_document(case)
    pack = language_pack(language)
    pdf = render_pdf(doc)  # the DOCX takes the PDF's layout decision without laying it out again
    texts = {"pdf": pdf_flat(pdf.data), "docx": docx_text(render_docx(doc, compact=pdf.compact)).replace("\n", " ")}
    expected = [case.creditor.name, case.debtor.name, pack.money(doc.statement.total_due).replace("\u00a0", " ")]
    expected += [inv.number for inv in case.claim.invoices]
    expected += [pack.money(inv.amount).replace("\u00a0", " ") for inv in case.claim.invoices]
    if kind is not DocumentKind.uncollectability_report:
        expected.append(pack.date(case.date))
    for fmt, text in texts.items():
        for fact in expected:
            assert fact in text, f"{fmt}: {fact!r} missing"
        for leak in LEAKS:
            assert leak not in text, f"{fmt}: {leak!r} leaked"
    if kind is DocumentKind.uncollectability_report:
        return
    from correspondence.figures import deadline_date

    due = pack.date(deadline_date(case.date, case.deadline_days, case.jurisdiction))
    in_days = re.compile(rf"\b{case.deadline_days} (giorni|días)")
    for fmt, text in texts.items():
        if kind is DocumentKind.legal_notice:
            # runs from receipt: the letter states the days, the date follows from the dispatch
            assert in_days.search(text), f"{fmt}: deadline of {case.deadline_days} days missing"
        else:
            assert due in text, f"{fmt}: deadline date {due} missing"


@pytest.mark.parametrize("language", ["it", "es"])
def test_the_uncollectability_report_is_the_same_in_every_tone(language):
    """What both renderers read (the laid-out HTML; the Document's blocks, tables, totals and lines, and from
    the case only its kind, language, date, reference, brand and options) is identical across the tones."""
    for credit_type, debtor_type in itertools.product(CreditType, DebtorType):
        docs = [compose_document(_case(language, REPORT, tone, credit_type, debtor_type)) for tone in Tone]
        assert len({html_for(doc) for doc in docs}) == 1, (credit_type, debtor_type)
        contents = [{f.name: getattr(doc, f.name) for f in dataclasses.fields(doc) if f.name != "case"} for doc in docs]
        assert contents[1] == contents[0] and contents[2] == contents[0], (credit_type, debtor_type)
        cases = [doc.case.model_dump(exclude={"tone"}) for doc in docs]
        assert cases[1] == cases[0] and cases[2] == cases[0], (credit_type, debtor_type)
