"""Rate tables: the packaged CSVs under ``figures/data`` plus a user override directory.

Every rate carries its legal source (Gazzetta Ufficiale / BOE reference) and a status (``verified``,
``derived`` from the statutory formula, ``unverified``), so a letter can cite it and a reviewer can see
which figures still need checking. A period missing from a table is an error, never a guessed rate.

User rows live in ``$CORRESPONDENCE_DATA_DIR/rates/<table>.csv`` (default ``./var/data``); a user row
replaces every packaged row it overlaps, so a newly published half-year needs no release.
"""
from __future__ import annotations

from bisect import bisect_right
import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import ConfigurationError, InputError
from ..model.base import decimal_places

COLUMNS = ("table", "period", "start", "end", "reference_rate", "margin", "rate", "source", "status")
STATUSES = ("verified", "derived", "unverified")
TABLES: Mapping[str, str] = {
    "commercial_it": "IT late-payment rate, ECB + margin per half-year (D.Lgs. 231/2002 art. 5)",
    "commercial_es": "ES late-payment rate, ECB + margin per half-year (Ley 3/2004 art. 7)",
    "legal_it": "IT legal interest per year (art. 1284 c.1 c.c.)",
    "legal_es": "ES interés legal del dinero per year (arts. 1108 CC; Ley de Presupuestos)",
}
MAX_RATE_FILE_BYTES = 1024 * 1024
_PERIOD = {"commercial": re.compile(r"^\d{4}-H[12][a-z]?$"), "legal": re.compile(r"^\d{4}$")}


class RateMissingError(ConfigurationError):
    """A computation needs a period the rate table does not have (e.g. a half-year not yet published)."""

    def __init__(self, table: str, period: str, day: date) -> None:
        super().__init__(
            f"no {table} rate for period {period} (needed from {day.isoformat()}); "
            f"load the published rate with `correspondence rates update --file <rows.csv>`")
        self.table = table
        self.period = period
        self.day = day


@dataclass(frozen=True)
class RateRow:
    """One published rate: valid from `start` to `end` inclusive, in percent per year."""

    table: str
    period: str
    start: date
    end: date
    reference_rate: Decimal | None
    margin: Decimal | None
    rate: Decimal
    source: str
    status: str
    origin: str = "package"


@dataclass(frozen=True)
class RateTable:
    name: str
    rows: tuple[RateRow, ...]  # sorted by start, non-overlapping
    _starts: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(r.start for r in self.rows))

    def row_for(self, day: date) -> RateRow:
        """The row in force on `day`; raises `RateMissingError` naming the period otherwise."""
        i = bisect_right(self._starts, day) - 1
        if i >= 0 and day <= self.rows[i].end:
            return self.rows[i]
        raise RateMissingError(self.name, period_label(self.name, day), day)


def period_label(table: str, day: date) -> str:
    """Half-year (``2027-H1``) for commercial tables, year (``2027``) for legal-interest tables."""
    if table.startswith("commercial"):
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    return str(day.year)


def data_dir() -> Path:
    """User data directory: ``$CORRESPONDENCE_DATA_DIR`` or ``./var/data``."""
    return Path(os.environ.get("CORRESPONDENCE_DATA_DIR") or Path.cwd() / "var" / "data")


# ----------------------------------------------------------------------------------------------- parsing

def _decimal(text: str, field: str, *, required: bool) -> Decimal | None:
    text = text.strip()
    if not text:
        if required:
            raise InputError(field, "is required")
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError(field, f"'{text}' is not a decimal number (use a dot: 10.15)") from None
    if not value.is_finite() or decimal_places(value) > 4:
        raise InputError(field, f"'{text}' must be finite with at most 4 decimals")
    return value


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(field, f"'{text}' is not an ISO date (YYYY-MM-DD)") from None


def _parse_row(raw: Mapping[str, str], where: str, origin: str) -> RateRow:
    def col(name: str) -> str:
        return (raw.get(name) or "").strip()

    table = col("table")
    if table not in TABLES:
        raise InputError(f"{where}.table", f"'{table}' is not one of {', '.join(TABLES)}")
    kind = "commercial" if table.startswith("commercial") else "legal"
    period = col("period")
    if not _PERIOD[kind].match(period):
        raise InputError(f"{where}.period", f"'{period}' is not a {'half-year like 2027-H1' if kind == 'commercial' else 'year like 2027'}")
    start, end = _date(col("start"), f"{where}.start"), _date(col("end"), f"{where}.end")
    if end < start:
        raise InputError(f"{where}.end", "is before start")
    if start.year != end.year or str(start.year) != period[:4]:
        raise InputError(f"{where}.end", f"the row must lie within the year of period {period}")
    if kind == "commercial" and (start.month <= 6) != (end.month <= 6):
        raise InputError(f"{where}.end", "a commercial row must lie within one half-year")
    if kind == "commercial" and period[5:7] != ("H1" if start.month <= 6 else "H2"):
        raise InputError(f"{where}.period", f"'{period}' does not match start {start.isoformat()}")
    ref = _decimal(col("reference_rate"), f"{where}.reference_rate", required=kind == "commercial")
    margin = _decimal(col("margin"), f"{where}.margin", required=kind == "commercial")
    if kind == "legal" and (ref is not None or margin is not None):
        raise InputError(f"{where}.reference_rate", "legal-interest rows have no reference rate or margin")
    rate = _decimal(col("rate"), f"{where}.rate", required=True)
    assert rate is not None
    if not Decimal(0) <= rate < Decimal(100):
        raise InputError(f"{where}.rate", f"{rate} is outside 0-100 percent")
    if ref is not None and margin is not None and ref + margin != rate:
        raise InputError(f"{where}.rate", f"{rate} is not reference_rate {ref} + margin {margin}")
    source = col("source")
    if len(source) < 3:
        raise InputError(f"{where}.source", "a legal source (GU / BOE reference) is required")
    status = col("status")
    if status not in STATUSES:
        raise InputError(f"{where}.status", f"'{status}' is not one of {', '.join(STATUSES)}")
    return RateRow(table, period, start, end, ref, margin, rate, source, status, origin)


def parse_rate_rows(text: str, *, name: str = "rates", origin: str = "user") -> list[RateRow]:
    """Validate CSV text (header `COLUMNS`); raises `InputError` naming row and column."""
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(h.strip() for h in (reader.fieldnames or ()))
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(f"{name}.header", f"missing column(s): {', '.join(missing)}; expected {','.join(COLUMNS)}")
    rows: list[RateRow] = []
    for raw in reader:
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue
        if None in raw:
            raise InputError(f"{name}:line {reader.line_num}", "has more fields than the header")
        rows.append(_parse_row(raw, f"{name}:line {reader.line_num}", origin))
    if not rows:
        raise InputError(name, "contains no rate rows")
    _check_overlaps(rows, name)
    return rows


def _check_overlaps(rows: Iterable[RateRow], name: str) -> None:
    by_table: dict[str, list[RateRow]] = {}
    for row in rows:
        by_table.setdefault(row.table, []).append(row)
    for table, items in by_table.items():
        items.sort(key=lambda r: r.start)
        for prev, cur in zip(items, items[1:]):
            if cur.start <= prev.end:
                raise InputError(f"{name}.{table}", f"periods {prev.period} and {cur.period} overlap")


def _merge(base: list[RateRow], override: list[RateRow]) -> list[RateRow]:
    """Rows of `override` replace every row of `base` (same table) they overlap."""
    kept = [b for b in base if not any(
        o.table == b.table and o.start <= b.end and b.start <= o.end for o in override)]
    return sorted(kept + override, key=lambda r: (r.table, r.start))


# ----------------------------------------------------------------------------------------------- loading

def _packaged_rows() -> list[RateRow]:
    rows: list[RateRow] = []
    folder = resources.files(__package__) / "data"
    for table in TABLES:
        try:
            text = (folder / f"{table}.csv").read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"packaged rate table {table}.csv is missing ({exc})") from None
        try:
            rows += parse_rate_rows(text, name=f"{table}.csv", origin="package")
        except InputError as exc:  # a broken package is a configuration problem, not user input
            raise ConfigurationError(f"packaged rate table is invalid: {exc}") from None
    return rows


def _user_files(folder: Path) -> tuple[tuple[str, int], ...]:
    rates = folder / "rates"
    if not rates.is_dir():
        return ()
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in rates.glob("*.csv")))


@lru_cache(maxsize=8)
def _load(folder: str, stamp: tuple[tuple[str, int], ...]) -> dict[str, RateTable]:
    rows = _packaged_rows()
    user: list[RateRow] = []
    for path, _ in stamp:
        try:
            user += parse_rate_rows(Path(path).read_text(encoding="utf-8"), name=path, origin="user")
        except (InputError, OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"user rate table {path} is unusable: {exc}") from None
    merged = _merge(rows, user)
    return {t: RateTable(t, tuple(r for r in merged if r.table == t)) for t in TABLES}


def load_rates(folder: Path | None = None) -> dict[str, RateTable]:
    """All rate tables, packaged rows overridden/extended by the user data directory."""
    folder = folder or data_dir()
    return dict(_load(str(folder), _user_files(folder)))


def update_rates(file: Path, folder: Path | None = None) -> dict[str, int]:
    """Validate `file` and merge its rows into the user tables; returns rows written per table.

    Each table file is written to a temporary file and renamed, so a failure leaves the old one intact.
    """
    try:
        if file.stat().st_size > MAX_RATE_FILE_BYTES:
            raise InputError("file", f"{file} is larger than {MAX_RATE_FILE_BYTES // 1024} KiB")
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError("file", f"cannot read {file}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError("file", f"{file} is not UTF-8 text") from None
    new = parse_rate_rows(text, name=file.name, origin="user")
    folder = folder or data_dir()
    target = folder / "rates"
    existing: list[RateRow] = []
    for path, _ in _user_files(folder):
        try:
            existing += parse_rate_rows(Path(path).read_text(encoding="utf-8"), name=path, origin="user")
        except InputError:
            pass  # an unusable old user file is replaced by the new rows
    merged = _merge(existing, new)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(f"cannot create {target}: {exc.strerror}") from None
    written: dict[str, int] = {}
    for table in sorted({r.table for r in new}):
        rows = [r for r in merged if r.table == table]
        _atomic_write(target / f"{table}.csv", _to_csv(rows))
        written[table] = len(rows)
    return written


def _to_csv(rows: Iterable[RateRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([r.table, r.period, r.start.isoformat(), r.end.isoformat(),
                         "" if r.reference_rate is None else r.reference_rate,
                         "" if r.margin is None else r.margin, r.rate, r.source, r.status])
    return out.getvalue()


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def with_margin(row: RateRow, margin: Decimal) -> RateRow:
    """The same half-year with another statutory margin (pre-2013 contracts, agri-food)."""
    if row.reference_rate is None:
        raise ConfigurationError(f"{row.table} {row.period} has no reference rate to apply a margin to")
    return replace(row, margin=margin, rate=row.reference_rate + margin)
