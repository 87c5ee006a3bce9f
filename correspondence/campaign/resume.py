"""Resuming an interrupted campaign: a journal of finished cases, appended after their files are in place.

Each output file is written to a temporary name, synced and renamed (`files.write_atomic`), then one JSON line
is appended to `.campaign-journal.jsonl`; the journal is synced once at the end of the run, not per line: a
line is only written once its files are on disk, so a line lost with the machine (a killed process loses
none) only means that case is produced again. A run killed at any point (SIGKILL included) leaves
either a finished case with its journal line, a finished file without one (redone next time), or a
`.part` temporary that the next run removes. A case counts as finished only if its input fingerprint is
unchanged and every file still has the SHA-256 the journal recorded, so edited rows are redone.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .manifest import Entry

JOURNAL = ".campaign-journal.jsonl"


def fingerprint(case_json: dict[str, Any], settings: dict[str, Any]) -> str:
    """What decides a case's output: its validated data and the run's kind, formats and signing level."""
    blob = json.dumps({"case": case_json, "settings": settings}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Journal:
    """The finished cases of the campaign in `out_dir`, by case name."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / JOURNAL
        self.entries: dict[str, Entry] = {}

    def load(self) -> "Journal":
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = Entry.from_json(json.loads(line))
                except (ValueError, TypeError):
                    continue  # a line cut short by a kill: that case is redone
                self.entries[entry.case] = entry
        return self

    def finished(self, case: str, fp: str) -> Entry | None:
        """The journal entry if the case is done with these inputs and its files are intact, else None."""
        entry = self.entries.get(case)
        if entry is None or entry.status != "done" or entry.fingerprint != fp:
            return None
        for f in entry.files:
            target = self.out_dir / f.name
            if not target.is_file() or target.stat().st_size != f.bytes or sha256_file(target) != f.sha256:
                return None
        return entry

    def record(self, entry: Entry) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        line = json.dumps(entry.to_json(), ensure_ascii=False) + "\n"
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(line)
        self.entries[entry.case] = entry

    def sync(self) -> None:
        """Make the lines appended so far durable (once per run: see the module docstring)."""
        if self.path.exists():
            with open(self.path, "rb") as f:
                os.fsync(f.fileno())


def remove_partial_files(out_dir: Path) -> int:
    """Delete temporaries (`.name.XXXX.part`) an interrupted run left behind; returns how many."""
    removed = 0
    if Path(out_dir).is_dir():
        for tmp in Path(out_dir).glob(".*.part"):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed
