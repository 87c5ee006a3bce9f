"""CLI for campaigns: `batch EXPORT.csv --mapping ...` (called from `cli/batch.py`), `batch-template DIR`
and `worker` (a Celery worker for `batch --queue`)."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

console = Console()
err_console = Console(stderr=True)
SHEET_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
LOG_EVERY = 100


def is_campaign(paths: list[Path], mapping: Optional[Path]) -> bool:
    return mapping is not None or (len(paths) == 1 and paths[0].suffix.lower() in SHEET_SUFFIXES)


class Feedback:
    """A progress bar with rate and ETA on a terminal; otherwise one log line per 100 letters."""

    def __init__(self, tty: bool) -> None:
        self.tty, self.total, self.count, self.new, self.started = tty, 0, 0, 0, time.monotonic()
        self.progress: Optional[Progress] = None
        self.task: Any = None

    def start(self, total: int, resumed: int) -> None:
        self.total, self.started = total, time.monotonic()
        if resumed:
            err_console.print(f"resuming: {resumed} of {total} case(s) already done", highlight=False)
        if self.tty:
            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                                     console=console)
            self.progress.start()
            self.task = self.progress.add_task("letters", total=total, rate="")

    def result(self, entry: Any, resumed: bool) -> None:
        self.count += 1
        self.new += 0 if resumed else 1
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.new / elapsed
        if self.progress is not None:
            self.progress.update(self.task, advance=1, rate=f"{rate:.1f}/s")
        elif self.count % LOG_EVERY == 0 or self.count == self.total:
            eta = (self.total - self.count) / rate if rate else 0
            print(f"campaign: {self.count}/{self.total} letters, {rate:.1f}/s, ETA {eta:.0f}s", file=sys.stderr,
                  flush=True)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def run_campaign_cli(source: Path, mapping: Optional[Path], output: Path, fmt: list[str], workers: Optional[int],
                     signing: Any, sign_level: Optional[str], kind: Optional[str], tone: Optional[str],
                     skip_invalid: bool, queue: bool, tenant: Optional[str] = None, *, brand: Optional[str] = None,
                     brands_dir: Optional[Path] = None, engine: str = "weasyprint") -> None:
    from ..campaign import prepare_campaign, run_campaign
    from ..campaign.branding import check_name, library_lookup, resolve_brands, store_lookup
    from ..errors import InputError

    if mapping is None:
        raise InputError("--mapping", "a CSV/XLSX export needs its column mapping (see `correspondence batch-template`)")
    if tenant is not None and brands_dir is not None:
        raise InputError("--brands-dir", "with --tenant, brands are the tenant's stored brands (/v1/brands)")
    if brand is not None:
        check_name(brand, "--brand")
    campaign = prepare_campaign(source, mapping, {"kind": kind, "tone": tone, "brand.ref": brand})
    registrar = None
    if tenant is not None:
        from ..campaign.register import Registrar

        registrar = Registrar.open(tenant)
    try:
        assert registrar is None or registrar.tenant_id is not None
        lookup = (store_lookup(registrar.store, registrar.tenant_id) if registrar is not None and registrar.tenant_id
                  else library_lookup(brands_dir or _default_brands_dir(source)))
        resolve_brands(campaign, lookup, option="--brand" if brand else None)
    except BaseException:
        if registrar is not None:
            registrar.close()
        raise
    feedback = Feedback(console.is_terminal)
    try:
        result = run_campaign(campaign, output, formats=fmt, signing=signing, sign_level=sign_level, workers=workers,
                              skip_invalid=skip_invalid, queue=queue, on_result=feedback.result,
                              on_start=feedback.start, registrar=registrar, engine=engine)
    finally:
        feedback.stop()
        if registrar is not None:
            registrar.close()
    files = sum(len(e.files) for e in result.done)
    console.print(f"{files} file(s) in {output}/: {len(result.done)} of {len(campaign.drafts)} cases done"
                  f"{f' ({result.resumed} from an earlier run)' if result.resumed else ''}; manifest "
                  f"{result.manifest[1] if result.manifest else ''}", soft_wrap=True, highlight=False)
    for err in result.errors:
        err_console.print(f"[yellow]skipped:[/] {escape(str(err))}", highlight=False, soft_wrap=True)
    if result.error_report:
        err_console.print(f"{len(result.errors)} invalid row problem(s) written to {escape(str(result.error_report))}",
                          highlight=False, soft_wrap=True)
    for entry in result.failed:
        err_console.print(f"[bold red]error:[/] {escape(entry.case)}: {escape('; '.join(entry.errors))}",
                          highlight=False, soft_wrap=True)
    if result.interrupted:
        err_console.print("interrupted: the letters in flight were finished; run the same command again to resume")
        raise typer.Exit(130)
    if result.failed:
        raise typer.Exit(2)


def _default_brands_dir(source: Path) -> Path:
    from ..brands import default_brands_dir

    return default_brands_dir(source)


def batch_template(folder: Path = typer.Argument(..., help="Folder for debtors.csv, debtors.xlsx, mapping.yaml")
                   ) -> None:
    """Write a sample export (CSV and XLSX, Italian conventions) and the documented mapping that reads it."""
    from ..campaign import write_template

    for path in write_template(folder):
        console.print(str(path), highlight=False, soft_wrap=True)


def worker(
    concurrency: int = typer.Option(1, "--concurrency", "-c", min=1, max=64, help="Tasks at once"),
    pool: str = typer.Option("threads", "--pool", help="Celery pool: threads (the default), solo or prefork"),
    loglevel: str = typer.Option("warning", "--loglevel"),
    name: Optional[str] = typer.Option(None, "--name", "-n",
                                       help="Node name, unique on the broker (default correspondence-PID@HOST)"),
) -> None:
    """Start a Celery worker for `batch --queue` (broker: $CORRESPONDENCE_BROKER_URL; signs with
    $CORRESPONDENCE_SIGNING_P12 or the demo certificate, loaded once). Start as many as the machine has cores:
    each is named after its process, so several run side by side."""
    from ..campaign.queue import start_worker

    start_worker(concurrency=concurrency, pool=pool, loglevel=loglevel, name=name)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the main app."""
    app.command("batch-template")(batch_template)
    app.command()(worker)
