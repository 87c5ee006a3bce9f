"""Rows to cases: one case per debtor and credit, every row checked before anything is rendered.

Each row is one title of credit (an invoice, a fee note, a rent period) or one debtor with its total; rows
that agree on the `group_by` fields (by default the debtor's tax id, else its name, the credit type and the
contract) become one case whose claim lists their invoices. A problem is reported as (line, column,
reason), the way the user will look for it in the spreadsheet, including the model's own checks (a tax id
checksum, a due date after the letter date, a prescribed credit: art. 2946 ss. c.c., art. 1964 ss. CC).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Mapping as TMapping, Optional, Sequence

from ..casefile import apply_overrides, build_case
from ..errors import CorrespondenceError, InputError, InputErrors
from ..model import Case
from .mapping import DEFAULT_GROUP_BY, ROW_PREFIXES, Mapping, convert
from .sources import SourceRow


@dataclass(frozen=True)
class RowError:
    line: Optional[int]
    column: Optional[str]
    reason: str
    field: Optional[str] = None

    @property
    def where(self) -> str:
        parts = [f"line {self.line}" if self.line else "", self.column or self.field or ""]
        return ", ".join(p for p in parts if p) or "campaign"

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class CaseDraft:
    """One case of the campaign: its file stem, the source lines it comes from and the validated case."""

    stem: str
    lines: list[int]
    data: dict[str, Any]
    key: tuple[str, ...] = ()
    invoice_rows: list[SourceRow] = field(default_factory=list)
    payment_rows: list[SourceRow] = field(default_factory=list)
    case: Optional[Case] = None
    errors: list[RowError] = field(default_factory=list)


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[leaf] = value


def _key_part(value: Any) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


def slug(text: str) -> str:
    """A file-name-safe form of a tax id or a name (ASCII letters, digits and dashes)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60] or "case"


def group_rows(rows: Sequence[SourceRow], mapping: Mapping, overrides: TMapping[str, Any] | None = None
               ) -> list[CaseDraft]:
    """Group and validate every row: each draft has its `case`, or the `errors` of any of its rows (then the
    whole case is left out: a letter must never claim less than the export says because a row was bad)."""
    group_by = [g for g in mapping.group_by if g in mapping.columns]
    if tuple(mapping.group_by) == DEFAULT_GROUP_BY and "debtor.tax_id" in group_by:
        group_by.remove("debtor.name")  # the tax id identifies the debtor; spellings of its name vary
    drafts: dict[tuple[str, ...], CaseDraft] = {}
    firsts: dict[tuple[str, ...], dict[str, tuple[int, Any]]] = {}
    for row in rows:
        key = tuple(_key_part(row.cells.get(mapping.columns[g])) for g in group_by)
        draft = drafts.get(key)
        if draft is None:
            draft = drafts[key] = CaseDraft(stem="", lines=[], data={"claim": {"invoices": []}}, key=key)
            firsts[key] = {}
        draft.lines.append(row.line)
        if row.problem:
            draft.errors.append(RowError(row.line, None, row.problem))
        case_fields: dict[str, Any] = {}
        per_row: dict[str, dict[str, Any]] = {prefix: {} for prefix in ROW_PREFIXES}
        for target, column in mapping.columns.items():
            value = row.cells.get(column)
            if value is None or value == "":
                continue
            try:
                converted = convert(target, value, mapping)
            except ValueError as exc:
                draft.errors.append(RowError(row.line, column, str(exc), target))
                continue
            prefix, _, rest = target.partition(".")
            if prefix in ROW_PREFIXES:
                per_row[prefix][rest] = converted
            else:
                case_fields[target] = converted
        seen = firsts[key]
        for target, value in case_fields.items():
            if target in seen and seen[target][1] != value:
                draft.errors.append(RowError(row.line, mapping.columns[target],
                                             f"'{value}' differs from line {seen[target][0]} ('{seen[target][1]}') "
                                             "of the same case", target))
            seen.setdefault(target, (row.line, value))
        draft.invoice_rows.append(row)
        invoice = per_row["invoice"]
        if "number" not in invoice:
            invoice["number"] = str(len(draft.invoice_rows))  # per-debtor exports carry no invoice number
        draft.data["claim"]["invoices"].append(invoice)
        payment = per_row["payment"]
        if payment:
            payment.setdefault("invoice", invoice["number"])
            draft.data["claim"].setdefault("payments", []).append(payment)
            draft.payment_rows.append(row)
    result = list(drafts.values())
    for draft in result:
        base = apply_overrides(mapping.defaults, {})
        for target, (_line, value) in firsts[draft.key].items():
            _set(base, target, value)
        claim = base.setdefault("claim", {})
        claim["invoices"] = draft.data["claim"]["invoices"]
        if draft.data["claim"].get("payments"):
            claim["payments"] = list(claim.get("payments") or []) + draft.data["claim"]["payments"]
        draft.data = apply_overrides(base, overrides or {})
        if not draft.errors:
            _validate(draft, mapping)
    _assign_stems(result, group_by)
    return result


def check_columns(headers: Sequence[str], mapping: Mapping) -> list[RowError]:
    """Every mapped column must be in the export's header (line 1)."""
    present = {h.casefold() for h in headers}
    return [RowError(1, column, f"column not found in the header (mapped to {target})", target)
            for target, column in mapping.columns.items() if column.casefold() not in present]


def _validate(draft: CaseDraft, mapping: Mapping) -> None:
    from ..figures import assert_may_demand

    try:
        case = build_case(draft.data)
        if case.kind.is_letter:
            assert_may_demand(case)
    except InputError as exc:
        for err in exc.errors if isinstance(exc, InputErrors) else [exc]:
            draft.errors.append(_locate(err, draft, mapping))
        return
    except CorrespondenceError as exc:
        draft.errors.append(RowError(draft.lines[0], None, str(exc)))
        return
    draft.case = case


_LIST_FIELD = re.compile(r"^claim\.(invoices|payments)\.(\d+)\.?(.*)$")


def _locate(err: InputError, draft: CaseDraft, mapping: Mapping) -> RowError:
    """Point a model error (`claim.invoices.2.due_date`) back at the line and column it came from."""
    match = _LIST_FIELD.match(err.field)
    if match:
        kind, index, rest = match.group(1), int(match.group(2)), match.group(3)
        rows = draft.invoice_rows if kind == "invoices" else draft.payment_rows
        prefix = "invoice" if kind == "invoices" else "payment"
        offset = index - (len(draft.data["claim"].get(kind, [])) - len(rows))
        if 0 <= offset < len(rows):
            column = mapping.columns.get(f"{prefix}.{rest}") if rest else None
            return RowError(rows[offset].line, column, err.reason, err.field)
    for target, column in sorted(mapping.columns.items(), key=lambda kv: -len(kv[0])):
        if err.field == target or err.field.startswith(target + "."):
            return RowError(draft.lines[0], column, err.reason, err.field)
    if err.field == "claim.invoices":  # e.g. a due date after the letter date: name the invoices' column
        return RowError(draft.lines[0], mapping.columns.get("invoice.due_date"), err.reason, err.field)
    return RowError(draft.lines[0], None, err.reason, err.field if err.field != "case" else None)


def _assign_stems(drafts: list[CaseDraft], group_by: list[str]) -> None:
    """Predictable names: the debtor's tax id (or name), plus the credit when a debtor has several cases."""
    def debtor_part(d: CaseDraft) -> str:
        debtor = d.data.get("debtor") or {}
        return slug(str(debtor.get("tax_id") or debtor.get("name") or "case"))

    counts: dict[str, int] = {}
    for d in drafts:
        counts[debtor_part(d)] = counts.get(debtor_part(d), 0) + 1
    used: set[str] = set()
    for d in drafts:
        stem = debtor_part(d)
        if counts[stem] > 1:
            extra = [k for g, k in zip(group_by, d.key) if not g.startswith("debtor.") and k]
            stem = "-".join([stem, *(slug(e) for e in extra)])
        candidate, n = stem, 2
        while candidate.casefold() in used:
            candidate, n = f"{stem}-{n}", n + 1
        used.add(candidate.casefold())
        d.stem = candidate
