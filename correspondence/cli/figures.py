"""CLI commands: `interest` (statement of interest and payments) and `rates` (list / update rate tables)."""
from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console, JustifyMethod
from rich.table import Table

from ..casefile import load_case
from ..errors import InputError
from ..figures import TABLES, Prescription, Statement, compute_statement, load_rates, prescription, update_rates

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def _parse_date(value: Optional[str], field: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"'{value}' is not an ISO date (YYYY-MM-DD)") from None


def _plain(value: Any) -> Any:
    """Dataclasses to JSON-ready data: Decimals as strings (exact cents), dates as ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def statement_json(statement: Statement, presc: Prescription) -> dict[str, Any]:
    data: dict[str, Any] = _plain(statement)  # a dataclass: a dict
    data["prescription"] = _plain(presc)
    data["prescription"]["may_threaten_action"] = presc.may_threaten_action
    return data


def _print_statement(s: Statement, presc: Prescription) -> None:
    table = Table(title=f"Interest at {s.at.isoformat()} — {s.regime} ({s.law})")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("Invoice", "left"), ("Period", "left"), ("Days", "right"), ("Rate %", "right"), ("Base", "right"),
        ("Interest", "right"))
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=True)
    for inv in s.invoices:
        for p in inv.periods:
            table.add_row(p.invoice, f"{p.start.isoformat()} – {p.end.isoformat()}", str(p.days), str(p.rate),
                          str(p.base), str(p.interest))
        if not inv.periods:
            table.add_row(inv.number, "—", "0", "—", str(inv.amount), "0.00")
    console.print(table)
    if s.allocations:
        alloc = Table(title="Payments (interest and costs before principal)")
        for name in ("Date", "Invoice", "Amount", "Interest", "Costs", "Principal"):
            alloc.add_column(name, justify="left" if name in ("Date", "Invoice") else "right")
        for a in s.allocations:
            alloc.add_row(a.date.isoformat(), a.invoice or "(case)", str(a.amount), str(a.to_interest),
                          str(a.to_costs), str(a.to_principal))
        console.print(alloc)
    totals = Table(title="Totals (EUR)", show_header=False)
    totals.add_column("Item")
    totals.add_column("Amount", justify="right")
    for label, value in (("Principal", s.principal), ("Payments", s.payments_total),
                         ("Principal outstanding", s.principal_outstanding), ("Interest accrued", s.interest_accrued),
                         ("Interest outstanding", s.interest), ("Flat compensation", s.compensation),
                         ("Documented costs", s.costs), ("Total due", s.total_due)):
        totals.add_row(label, str(value))
    console.print(totals)
    margin = f", margin {s.margin}" if s.margin is not None else ""
    console.print(f"Convention: simple interest, {s.day_count}{margin}; days after the start date up to and "
                  f"including the end date; {s.rounding}.")
    sources = list(dict.fromkeys([*s.citations, *(p.source for p in s.periods)]))
    if sources:
        console.print("Sources:")
        for src in sources:
            console.print(f"  - {src}")
    if s.notes:
        console.print("Notes: " + ", ".join(s.notes))
    console.print(f"Prescription: {presc.date.isoformat()} ({presc.years} years, {presc.article}), "
                  f"status {presc.status}")


def interest(
    case_file: Path = typer.Argument(..., help="Case file (YAML or JSON)"),
    at: Optional[str] = typer.Option(None, "--at", help="Computation date (YYYY-MM-DD); default: the letter date"),
    as_json: bool = typer.Option(False, "--json", help="Print the statement as JSON (amounts as strings)"),
) -> None:
    """Late-payment interest, compensation, payments and totals, period by period, with sources."""
    case = load_case(case_file)
    when = _parse_date(at, "at") or case.date
    statement = compute_statement(case, when)
    presc = prescription(case, when)
    if as_json:
        typer.echo(json.dumps(statement_json(statement, presc), ensure_ascii=False, indent=2))
    else:
        _print_statement(statement, presc)
    if presc.warning:
        colour = "red" if presc.status == "prescribed" else "yellow"
        err_console.print(f"[bold {colour}]warning:[/] {presc.warning}", highlight=False)


def rates_list(
    ctx: typer.Context,
    table_name: Optional[str] = typer.Option(None, "--table", help=f"One of: {', '.join(TABLES)}"),
) -> None:
    """List the rate tables in use (packaged rows, overridden by the user data directory)."""
    if ctx.invoked_subcommand is not None:
        return
    if table_name is not None and table_name not in TABLES:
        raise InputError("table", f"'{table_name}' is not one of {', '.join(TABLES)}")
    for name, rt in load_rates().items():
        if table_name and name != table_name:
            continue
        table = Table(title=f"{name}: {TABLES[name]}")
        for col in ("Period", "From", "To", "ECB", "Margin", "Rate %", "Status"):
            table.add_column(col, justify="right" if col in ("ECB", "Margin", "Rate %") else "left", no_wrap=True)
        for r in rt.rows:
            status = r.status if r.status == "verified" else f"⚠ {r.status}"
            if r.origin == "user":
                status += " (user)"
            table.add_row(r.period, r.start.isoformat(), r.end.isoformat(),
                          "" if r.reference_rate is None else str(r.reference_rate),
                          "" if r.margin is None else str(r.margin), str(r.rate), status)
        console.print(table)
        console.print("Sources:")
        for r in rt.rows:
            console.print(f"  {r.period}: {r.source}")


def rates_update(
    file: Path = typer.Option(..., "--file", help="CSV with the columns of the packaged tables"),
) -> None:
    """Validate a CSV of newer rows and store it in the user data directory (atomic write)."""
    written = update_rates(file)
    for table, count in written.items():
        console.print(f"{table}: {count} user row(s) stored")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("interest")(interest)
    rates_app = typer.Typer(help="Rate tables: list them, or load newly published rows.", no_args_is_help=False)
    rates_app.callback(invoke_without_command=True)(rates_list)
    rates_app.command("update")(rates_update)
    app.add_typer(rates_app, name="rates")
