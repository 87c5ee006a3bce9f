"""Killing `correspondence batch` leaves no pool worker running (issue 11 item 8), tested on a real
process tree: the parent is SIGKILLed mid-batch, so no cleanup code of its own can run."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.casedata import EXAMPLES


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(p) for p in (task / "children").read_text().split()}
        except OSError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_killing_the_batch_parent_stops_its_workers(tmp_path: Path) -> None:
    sources = []
    for i in range(40):
        target = tmp_path / f"case-{i:02d}.yaml"
        shutil.copy(EXAMPLES / "case-it.yaml", target)
        sources.append(str(target))
    parent = subprocess.Popen([sys.executable, "-m", "correspondence", "batch", *sources, "-o", str(tmp_path / "out"),
                               "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and parent.poll() is None:
            workers = _children(parent.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "the batch did not start its pool"
        time.sleep(0.5)  # the workers are busy rendering
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if _alive(pid)], "pool workers outlived the batch"
    finally:
        for pid in workers:  # only the processes this test started
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
