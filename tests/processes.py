"""Stopping the real processes the tests and benchmarks start in their own session (workers, servers)."""
from __future__ import annotations

import os
import signal
import subprocess
import time


def stop_group(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """SIGTERM the process group `proc` leads (started with ``start_new_session=True``), SIGKILL it if it is
    still there after `timeout` seconds."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 30.0) -> bool:
    """True once ``GET {base}/health`` answers 200; False when `proc` exits first or `timeout` seconds pass
    (the caller says why, with what the process wrote)."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False
