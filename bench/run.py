"""Run every benchmark in turn (`make bench`); each prints its own medians.

The API benchmark uses wrk when it is installed (Debian package `wrk`), else its httpx load generator.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    tool = "wrk" if shutil.which("wrk") else "httpx"
    plan = [["render.py"], ["batch.py"], ["sign.py"], ["figures.py"], ["receipts.py"], ["casework.py"],
            ["correspondence.api.py", "--tool", tool]]
    failed = 0
    for script, *args in plan:
        print(f"\n== {script} {' '.join(args)}", flush=True)
        failed |= subprocess.run([sys.executable, str(HERE / script), *args]).returncode
    return failed


if __name__ == "__main__":
    sys.exit(main())
