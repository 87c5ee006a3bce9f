"""Whole `correspondence batch` runs of several checkouts, alternated round by round so that all see the same
load: the median wall and CPU (user + sys of the whole process tree) of each.

    git worktree add /tmp/before <commit>
    .venv/bin/python bench/checkouts.py --rounds 8 before=/tmp/before after=.
    .venv/bin/python bench/checkouts.py --rounds 8 --engine weasyprint before=/tmp/before after=.

Every checkout runs with this virtualenv's interpreter and packages (PYTHONPATH selects the code), on the
same export (`bench/campaign.py`'s: N one-page Spanish first demands), signed B-B, 2 workers.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.campaign import export  # noqa: E402
from bench.cpu import children_cpu  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("checkouts", nargs="+", help="name=path of a checkout")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--engine", default="typst")
    args = parser.parse_args()
    trees = dict(item.split("=", 1) for item in args.checkouts)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source, mapping = export(folder / "in", args.letters)
        spent: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        for _ in range(args.rounds):
            for name, root in trees.items():
                out = folder / f"out-{name}"
                shutil.rmtree(out, ignore_errors=True)
                env = {**os.environ, "PYTHONPATH": str(Path(root).resolve()), "CORRESPONDENCE_HOME": str(folder / "home")}
                cpu, start = children_cpu(), time.perf_counter()
                subprocess.run([sys.executable, "-m", "correspondence", "batch", str(source), "--mapping", str(mapping),
                                "-o", str(out), "--sign", "--workers", "2", "--engine", args.engine], env=env,
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
                wall = time.perf_counter() - start
                made = len(list(out.glob("*.signed.pdf")))
                if made != args.letters:
                    raise SystemExit(f"{name}: {made} of {args.letters} letters")
                spent[name].append((wall, children_cpu() - cpu))
        for name, runs in spent.items():
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            print(f"{name}: wall {wall:.2f} s median (least {min(w for w, _ in runs):.2f}), CPU {cpu:.2f} s median, "
                  f"{args.letters / wall:.1f} letters/s")
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
