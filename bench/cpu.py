"""CPU and memory measures of the campaign benchmark: CPU seconds of this process, of its finished children,
of a running process or a whole process tree (from /proc), resident memory; and `CPU`, the CPU milliseconds
per letter of each measure, printed beside its rate."""
from __future__ import annotations

import os
import resource
from pathlib import Path


def _seconds(stat: list[str]) -> float:
    """User + system CPU seconds from the fields of /proc/PID/stat after the command name."""
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """CPU seconds of the finished child processes (a run's whole process tree once it has been waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Cpu:
    """CPU milliseconds per letter of one measure, printed with its rate."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    def __call__(self, name: str, seconds: float, letters: int) -> str:
        self.ms[name] = seconds / letters * 1000
        return f"{self.ms[name]:.0f} ms CPU/letter"


CPU = Cpu()


def tree_cpu(pid: int) -> float:
    """CPU seconds so far of a process and all its descendants (Playwright's driver, the browser's renderer,
    GPU and utility processes)."""
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
    total = 0.0
    for proc, stat in stats.items():
        cur = proc
        while cur > 1 and cur != pid and cur in stats:
            cur = int(stats[cur][1])
        if cur == pid:
            total += _seconds(stat)
    return total


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far, from /proc."""
    return _seconds(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split())


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
