"""Batch benchmark: signed PDF letters per second with 1 and 2 worker processes.

    .venv/bin/python bench/batch.py [--letters 40]

Each worker loads the demo signing key once; letters are the Italian and Spanish example legal notices
(2-3 pages, PDF/A-3b, PAdES B-B with a visible stamp).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from correspondence.batch import BatchSigning, run_batch
from correspondence.sign import KeyRecipe  # noqa: E402
from correspondence.sign import ensure_demo_signer  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        p12, password, _ca = ensure_demo_signer(folder / "cert")
        sources = []
        for i in range(args.letters):
            source = folder / "cases" / f"case-{i:03d}.yaml"
            source.parent.mkdir(exist_ok=True)
            shutil.copy(EXAMPLES / ("case-it.yaml" if i % 2 else "case-es.yaml"), source)
            sources.append(source)
        signing = BatchSigning(KeyRecipe(p12=p12, password=password))
        for workers in (1, 2):
            start = time.perf_counter()
            results = run_batch(sources, folder / f"out-{workers}", signing=signing, workers=workers)
            elapsed = time.perf_counter() - start
            assert all(r.ok for r in results)
            print(f"{workers} worker(s): {len(results)} signed letters in {elapsed:.1f} s = "
                  f"{len(results) / elapsed:.1f} letters/s")


if __name__ == "__main__":
    main()
