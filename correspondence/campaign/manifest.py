"""The campaign manifest: what was produced, from which rows, with which figures, and its SHA-256.

`manifest.json` is the machine-readable record, `manifest.csv` the one a back office opens in a
spreadsheet; both are written atomically at the end of every run (also an interrupted one), from the
journal, so after a resumed run they list every case once.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from ..files import write_atomic

CSV_COLUMNS = ("case", "debtor", "reference", "status", "file", "sha256", "principal", "interest", "compensation", "costs", "total",
               "source_lines", "warnings", "errors", "brand")


@dataclass
class OutputFile:
    name: str
    sha256: str
    bytes: int


@dataclass
class Entry:
    """One case of the campaign. Amounts are decimal strings (cents exact), `source_lines` are file lines."""

    case: str
    status: str  # "done" | "invalid" | "failed"
    source_lines: list[int]
    fingerprint: str = ""
    files: list[OutputFile] = field(default_factory=list)
    principal: Optional[str] = None
    interest: Optional[str] = None
    compensation: Optional[str] = None
    costs: Optional[str] = None
    total: Optional[str] = None
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    debtor: Optional[str] = None
    reference: Optional[str] = None
    document_ids: list[str] = field(default_factory=list)
    brand: Optional[str] = None  # the named brand the letters were made with, and its version
    brand_version: Optional[int] = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Entry":
        data = dict(data)
        data["files"] = [OutputFile(**f) for f in data.get("files", [])]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


def write_manifest(out_dir: Path, entries: Iterable[Entry], summary: dict[str, Any]) -> tuple[Path, Path]:
    """Write `manifest.json` and `manifest.csv` (one line per output file; invalid cases with no file)."""
    entries = list(entries)
    doc = {"summary": summary, "cases": [e.to_json() for e in entries]}
    json_path, csv_path = out_dir / "manifest.json", out_dir / "manifest.csv"
    write_atomic(json_path, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        for f in e.files or [OutputFile("", "", 0)]:
            writer.writerow([e.case, e.debtor or "", e.reference or "", e.status, f.name, f.sha256, e.principal or "", e.interest or "",
                             e.compensation or "", e.costs or "", e.total or "",
                             " ".join(map(str, e.source_lines)), " | ".join(e.warnings), " | ".join(e.errors),
                             _brand(e)])
    write_atomic(csv_path, buffer.getvalue().encode("utf-8-sig"))  # BOM: Excel opens it as UTF-8
    return json_path, csv_path


def _brand(entry: Entry) -> str:
    if not entry.brand:
        return ""
    return entry.brand + (f" v{entry.brand_version}" if entry.brand_version is not None else "")


def write_error_report(out_dir: Path, errors: Iterable[Any]) -> Path:
    """`errors.csv` next to the output: line, column, reason of every row left out by --skip-invalid."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("line", "column", "field", "reason"))
    for err in errors:
        writer.writerow((err.line or "", err.column or "", err.field or "", err.reason))
    path = out_dir / "errors.csv"
    write_atomic(path, buffer.getvalue().encode("utf-8-sig"))
    return path
