"""CLI: `correspondence demo`, the main job on the embedded defaults."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()


def demo(
    output: Path = typer.Option(Path("demo-out"), "-o", "--output", help="Folder for the demo documents"),
) -> None:
    """Render, sign and track a sample set in both languages and formats (SQLite, local files, demo cert)."""
    from ..demo import PLAN, run_demo

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("demo", total=len(PLAN) * 2 + 1)

        def step(message: str) -> None:
            if "signing" not in message:
                progress.advance(task)
            progress.update(task, description=message)

        files, dispatches = run_demo(output, step=step)
    table = Table(title=f"Demo documents in {output}/")
    for column in ("file", "kind", "size", "note"):
        table.add_column(column)
    for f in files:
        table.add_row(str(f.path.relative_to(output)), f.kind, f"{f.size:,}", f.note)
    console.print(table)
    tracked = Table(title="Dispatches tracked in the embedded store (SQLite + local blobs)")
    for column in ("letter", "channel", "state", "legal effect", "rule", "deadline"):
        tracked.add_column(column)
    for d in dispatches:
        tracked.add_row(f"{d.language} legal_notice", d.channel, d.state, d.legal_effective_at, d.rule, d.deadline_at)
    console.print(tracked)
    for d in dispatches:
        console.print(f"next step, {d.language} case: {d.next_step}", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the main app."""
    app.command()(demo)
