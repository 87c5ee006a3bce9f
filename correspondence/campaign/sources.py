"""Reading an accounting export (CSV or XLSX) into numbered rows of cells, as it comes.

Italian and Spanish exports come from spreadsheet programs and accounting packages: `;` separators,
a UTF-8 byte-order mark or Latin-1/Windows-1252 text, header names with stray spaces. This module only
reads: each row keeps the line number a user sees in the file (the header is line 1), so every later error
can point at it. Converting cells to amounts and dates is `mapping.py`'s job.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping as TMapping, Optional, Sequence, Union

from ..errors import InputError

MAX_SOURCE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 2_000
MAX_XLSX_UNPACKED = 400 * 1024 * 1024  # a zip bomb is refused before openpyxl inflates it
DELIMITERS = ";,\t|"

Cell = Union[str, int, float, dt.date, dt.datetime, None]


@dataclass(frozen=True)
class SourceRow:
    """One data row: `line` is the row number in the file (CSV physical line, XLSX row), header = 1."""

    line: int
    cells: dict[str, Cell]
    problem: Optional[str] = None  # the row cannot be read as the header says (reported with the others)


@dataclass(frozen=True)
class Sheet:
    name: str
    headers: tuple[str, ...]
    rows: tuple[SourceRow, ...]


def read_sheet(path: Path, *, encoding: str = "auto", delimiter: str = "auto",
               sheet: Optional[str] = None) -> Sheet:
    """Read a `.csv` (or `.txt`) or `.xlsx` export; raise `InputError("source", ...)` when it cannot be read."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError("source", f"cannot read {path}: {exc.strerror}") from None
    if size > MAX_SOURCE_BYTES:
        raise InputError("source", f"{path} is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv_bytes(path.read_bytes(), name=path.name, encoding=encoding, delimiter=delimiter)
    raise InputError("source", f"{path.name}: expected a .csv or .xlsx file")


def decode(data: bytes, encoding: str = "auto") -> str:
    """Text of a CSV export: a BOM means UTF-8; else UTF-8 if it decodes, else Windows-1252 (Latin-1 + €)."""
    if encoding != "auto":
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise InputError("source", f"cannot decode the file as {encoding} ({exc})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_bytes(data: bytes, *, name: str = "source", encoding: str = "auto", delimiter: str = "auto") -> Sheet:
    text = decode(data, encoding)
    first = text.split("\n", 1)[0]
    delim = _sniff_delimiter(first) if delimiter == "auto" else delimiter.replace("\\t", "\t")
    if len(delim) != 1:
        raise InputError("delimiter", f"'{delimiter}' must be one character")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("source", f"{name} is empty") from None
    except csv.Error as exc:
        raise InputError("source", f"{name}: line 1: {exc}") from None
    headers = _headers(header, name)
    rows: list[SourceRow] = []
    start = reader.line_num + 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in record):
                continue  # blank lines, and the trailing ;;;; rows spreadsheets leave
            if len(rows) >= MAX_ROWS:
                raise InputError("source", f"{name} has more than {MAX_ROWS} rows")
            problem = None
            if len(record) > len(headers) and any(c.strip() for c in record[len(headers):]):
                problem = f"{len(record)} cells but only {len(headers)} columns in the header"
            cells = {h: record[i] if i < len(record) else None for i, h in enumerate(headers) if h}
            rows.append(_row(line, cells, problem))
    except csv.Error as exc:
        raise InputError("source", f"{name}: line {reader.line_num}: {exc}") from None
    return Sheet(name, headers, tuple(rows))


def _headers(raw: Sequence[object], name: str) -> tuple[str, ...]:
    headers = tuple(" ".join(str(h).split()) if h is not None else "" for h in raw)
    while headers and not headers[-1]:
        headers = headers[:-1]
    if not headers:
        raise InputError("source", f"{name}: the first row must name the columns")
    if len(headers) > MAX_COLUMNS:
        raise InputError("source", f"{name} has more than {MAX_COLUMNS} columns")
    seen: set[str] = set()
    for h in headers:
        if h and h.casefold() in seen:
            raise InputError("source", f"{name}: column '{h}' appears twice in the header")
        seen.add(h.casefold())
    return headers


def _row(line: int, cells: TMapping[str, Cell], problem: Optional[str]) -> SourceRow:
    """Strip text cells; an over-long cell is dropped and reported as the row's problem."""
    clean: dict[str, Cell] = {}
    for column, value in cells.items():
        if isinstance(value, str):
            if len(value) > MAX_CELL_CHARS:
                problem = problem or f"{column}: longer than {MAX_CELL_CHARS} characters"
                value = None
            else:
                value = value.strip() or None
        clean[column] = value
    return SourceRow(line, clean, problem)


def _xlsx_value(value: object) -> Cell:
    """A workbook value as a cell: text, number, date or empty as they are; anything else openpyxl can give
    (a time of day, a duration, an error value) as the text it shows, so the mapping reports it like text."""
    if value is None or isinstance(value, (str, int, float, dt.date)):
        return value
    return str(value)


def _read_xlsx(path: Path, sheet: Optional[str]) -> Sheet:
    import zipfile

    from openpyxl import load_workbook  # defusedxml is installed, so openpyxl parses with it

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED:
            raise InputError("source", f"{path.name} unpacks to more than {MAX_XLSX_UNPACKED // (1024 * 1024)} MiB")
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError("source", f"{path.name} is not a readable XLSX workbook ({exc})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError("sheet", f"'{sheet}' is not a sheet of {path.name} ({', '.join(book.sheetnames)})")
        ws = book[sheet] if sheet else book.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header_row = next(it, None)
        if header_row is None:
            raise InputError("source", f"{path.name} is empty")
        headers = _headers(list(header_row), path.name)
        rows: list[SourceRow] = []
        for line, values in enumerate(it, start=2):
            if not any(v is not None and str(v).strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise InputError("source", f"{path.name} has more than {MAX_ROWS} rows")
            cells = {h: _xlsx_value(values[i]) if i < len(values) else None for i, h in enumerate(headers) if h}
            rows.append(_row(line, cells, None))
        return Sheet(ws.title, headers, tuple(rows))
    finally:
        book.close()
