"""Render benchmark: one-page letter to PDF and DOCX, warm, in one process.

    .venv/bin/python bench/render.py [--runs 30]

Reports medians. The first render (cold: font configuration and stylesheet parsing) is reported apart;
the warm figures show the cost once they are reused, which is how the library and the API run.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from correspondence.casefile import load_case  # noqa: E402
from correspondence.pipeline import produce  # noqa: E402
from correspondence.render import compose_document, render_docx, render_pdf  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "case-es.yaml"


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    # A one-page letter: the Spanish first reminder, one invoice, written by the creditor itself.
    one_invoice = [{"number": "F-2026/0101", "issue_date": "2026-03-02", "due_date": "2026-04-01",
                    "amount": "2420.00", "description": "Suministro de cableado"}]
    case = load_case(EXAMPLE, {"kind": "first_demand", "tone": "courteous", "claim.payments": [],
                               "claim.invoices": one_invoice, "actions": []})
    case = case.model_copy(update={"representative": None})
    start = time.perf_counter()
    doc = compose_document(case)
    first = render_pdf(doc, pdfa=False)
    cold = (time.perf_counter() - start) * 1000
    assert first.pages == 1, f"the benchmark letter must fit one page, got {first.pages}"
    compose = timed(lambda: compose_document(case), args.runs)
    pdf = timed(lambda: render_pdf(compose_document(case), pdfa=False), args.runs)
    pdfa = timed(lambda: render_pdf(compose_document(case), pdfa=True), args.runs)
    docx = timed(lambda: render_docx(compose_document(case)), args.runs)
    produced = timed(lambda: produce(case, "pdf", pdfa=False), args.runs)
    print(f"cold first PDF (font config + CSS parse): {cold:.0f} ms")
    for name, values in (("compose (figures + wording)", compose), ("PDF one page, warm", pdf),
                         ("PDF/A-3b one page, warm", pdfa), ("DOCX one page, warm", docx),
                         ("PDF + empty signature field", produced)):
        print(f"{name:32s} median {statistics.median(values):7.1f} ms  (p90 {sorted(values)[int(len(values)*0.9)-1]:.1f}, n={len(values)})")


if __name__ == "__main__":
    main()
