"""Figures benchmark: statements of account per second, small and large.

    .venv/bin/python bench/figures.py [--runs 30]

Small: the two-invoice Italian example (one part payment, three interest pieces). Large: 24 invoices due
monthly from 2014, 12 part payments, computed to 30 Nov 2026 (about 700 interest pieces, ES pro rata and
IT oldest-first allocation both measured). Reports the median over runs.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from correspondence.casefile import load_case  # noqa: E402
from correspondence.figures import compute_statement, load_rates, prescription  # noqa: E402
from tests.figures.figcases import inv, make_case  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def large(language: str):
    invoices = [inv(f"F{i:03d}", (date(2014, 1, 31) + timedelta(days=30 * i)).isoformat(), f"{1000 + 37 * i}.50")
                for i in range(24)]
    payments = [{"date": (date(2015, 3, 1) + timedelta(days=180 * k)).isoformat(), "amount": "750.00"}
                for k in range(12)]
    return make_case(language, date="2026-11-30", kind="uncollectability_report", invoices=invoices,
                     payments=payments, claim__contract_date="2013-12-01")


def rate(fn, runs: int, batch: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        times.append((time.perf_counter() - t0) / batch)
    med = statistics.median(times)
    return 1 / med, med * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    tables = load_rates()
    small = load_case(ROOT / "examples" / "case-it.yaml")
    big_it, big_es = large("it"), large("es")
    pieces = len(compute_statement(big_it, tables=tables).periods)
    for label, case, batch in (("small IT example", small, 200), ("large IT (24 inv, 12 pay)", big_it, 5),
                               ("large ES (24 inv, 12 pay)", big_es, 5)):
        per_s, ms = rate(lambda: compute_statement(case, tables=tables), args.runs, batch)
        print(f"{label:28s} {per_s:10.0f} statements/s  {ms:8.3f} ms")
    per_s, ms = rate(lambda: prescription(big_it), args.runs, 20)
    print(f"{'prescription (24 invoices)':28s} {per_s:10.0f} /s            {ms:8.3f} ms")
    print(f"large case: {pieces} interest pieces")


if __name__ == "__main__":
    main()
