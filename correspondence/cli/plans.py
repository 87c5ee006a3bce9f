"""CLI: `correspondence case plan ...`, payment plans and promises to pay on the embedded store.

`case plan add CASE PLAN_FILE` records a plan (YAML or JSON: acknowledged, instalments with due_date and
amount, signed_on, interest_rate, grace_days...); `case plan promise CASE --amount --due` a promise;
`case plan show CASE [PLAN]` prints the instalments (paid, late, partly paid, overdue, missed) and the balance.
"""
from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from ..casefile import read_case_file
from ..errors import InputError
from .case import TENANT, _case_id, _date, _session, case_app, console

plan_app = typer.Typer(help="Payment plans and promises to pay: record them, see each instalment.",
                       no_args_is_help=True)


def add(case: str = typer.Argument(..., help="Case id or reference"),
        plan_file: Path = typer.Argument(..., help="Plan (YAML or JSON): acknowledged, instalments, signed_on..."),
        tenant: str = TENANT) -> None:
    """Record a payment plan (acknowledgment of debt with instalments, art. 1988 c.c.)."""
    from ..casework import plans

    data = read_case_file(plan_file)
    with _session(tenant) as (_, session, tenant_id):
        case_id = _case_id(session, tenant_id, case)
        row = plans.record_plan(session, tenant_id, case_id, data)
        _print(plans.plan_standing(session, tenant_id, case_id, row.id))


def promise(case: str = typer.Argument(..., help="Case id or reference"),
            amount: str = typer.Option(..., "--amount", help="Amount promised, e.g. 500.00"),
            due: str = typer.Option(..., "--due", help="Date it is promised for (YYYY-MM-DD)"),
            on: Optional[str] = typer.Option(None, "--on", help="Date the promise was made (default today)"),
            written: bool = typer.Option(False, "--written", help="The debtor promised in writing (interrupts "
                                                                   "prescription, art. 2944 c.c., art. 1973 CC)"),
            tenant: str = TENANT) -> None:
    """Record a promise to pay an amount by a date."""
    from ..casework import plans

    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise InputError("--amount", f"'{amount}' is not a decimal amount (use a dot: 500.00)") from None
    due_date = _date(due, "--due")
    assert due_date is not None
    with _session(tenant) as (_, session, tenant_id):
        case_id = _case_id(session, tenant_id, case)
        row = plans.record_promise(session, tenant_id, case_id, amount=value, due_date=due_date,
                                   promised_on=_date(on, "--on"), written=written)
        _print(plans.plan_standing(session, tenant_id, case_id, row.id))


def show(case: str = typer.Argument(..., help="Case id or reference"),
         plan: Optional[str] = typer.Argument(None, help="Plan id (default: every plan and promise)"),
         at: Optional[str] = typer.Option(None, "--at", help="Date to show it at (default today)"),
         tenant: str = TENANT) -> None:
    """Each instalment (paid, late, partly paid, overdue, missed) and the balance."""
    from ..casework import plans

    when = _date(at, "--at")
    with _session(tenant) as (_, session, tenant_id):
        case_id = _case_id(session, tenant_id, case)
        if plan is None:
            found = plans.case_plan_standings(session, tenant_id, case_id, when)
            if not found:
                console.print("no plans or promises")
            for standing in found:
                _print(standing)
            return
        try:
            plan_id = uuid.UUID(plan)
        except ValueError:
            raise InputError("plan", f"'{plan}' is not a plan id") from None
        _print(plans.plan_standing(session, tenant_id, case_id, plan_id, when))


def _print(standing: Any) -> None:
    f = standing.figures
    state = "kept" if standing.kept else "broken" if standing.broken else "running"
    console.print(f"{standing.plan.type.value} {standing.record.id} agreed {standing.record.agreed_on.isoformat()}: "
                  f"{state} at {f.at.isoformat()}")
    table = Table("n.", "due", "amount", "paid", "status")
    for i in f.instalments:
        table.add_row(str(i.number), i.due_date.isoformat(), str(i.amount), str(i.paid), i.status)
    console.print(table)
    console.print(f"total {f.total}  paid {f.paid}  balance {f.balance}  due now {f.balance_due}"
                  + ("  (whole balance due: missed instalment)" if f.accelerated else ""))


def register(app: typer.Typer) -> None:
    plan_app.command("add")(add)
    plan_app.command("promise")(promise)
    plan_app.command("show")(show)
    case_app.add_typer(plan_app, name="plan")
