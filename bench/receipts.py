"""Receipts benchmark: PEC receipts parsed per second (MIME + daticert + S/MIME integrity), and replays.

    .venv/bin/python bench/receipts.py [--runs 30]

One run parses every .eml fixture in tests/fixtures/pec once (real Aruba/anonymised samples, built
receipts, tampered copies; the hostile ones are excluded because they stop at the XML guard). Reports the
median over runs of receipts per second, the median time of the largest file (381 KB ricevuta completa
with the original attached), and replays per second of a 7-event raccomandata history with legal effect
and deadline.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from correspondence.dispatch import (  # noqa: E402
    Channel,
    DispatchEvent,
    EventType,
    LegalEffectPolicy,
    parse_pec_receipt,
    replay,
)

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pec"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    files = [p.read_bytes() for p in sorted(FIXTURES.glob("*.eml")) if not p.name.startswith("hostile__")]
    largest = max(files, key=len)
    for raw in files:  # warm-up (imports, caches)
        parse_pec_receipt(raw)
    rates, big = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        for raw in files:
            parse_pec_receipt(raw)
        rates.append(len(files) / (time.perf_counter() - start))
        start = time.perf_counter()
        parse_pec_receipt(largest)
        big.append((time.perf_counter() - start) * 1000)
    cet = timezone(timedelta(hours=1))
    t0 = datetime(2025, 3, 3, 9, 0, tzinfo=cet)
    history = [DispatchEvent(t, t0 + timedelta(days=d), "carrier") for t, d in (
        (EventType.submitted, 0), (EventType.accepted, 0.1), (EventType.in_transit, 1),
        (EventType.delivery_attempted, 2), (EventType.notice_left, 2), (EventType.awaiting_pickup, 3),
        (EventType.picked_up, 10))]
    policy = LegalEffectPolicy(it_unclaimed="tenth_day")
    replays = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for _ in range(200):
            replay(Channel.raccomandata_ar, reversed(history), deadline_days=15, policy=policy)
        replays.append(200 / (time.perf_counter() - start))
    total_kb = sum(map(len, files)) / 1024
    print(f"PEC receipts parsed+verified   median {statistics.median(rates):8.0f} /s  "
          f"({len(files)} files, {total_kb:.0f} KB per run, n={args.runs})")
    print(f"largest receipt ({len(largest) // 1024} KB)      median {statistics.median(big):8.2f} ms")
    print(f"replay 7 events + legal effect median {statistics.median(replays):8.0f} /s")


if __name__ == "__main__":
    main()
