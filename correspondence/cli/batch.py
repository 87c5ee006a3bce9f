"""CLI: `correspondence batch`, many case files (or one CSV/XLSX export) to letters, with a progress bar."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .options import ENGINE, LEVEL, TSA_URL, key_options, wants_key

console = Console()
err_console = Console(stderr=True)


@key_options
def batch(
    case_files: list[Path] = typer.Argument(..., help="Case files (YAML or JSON), or one CSV/XLSX export"),
    output: Path = typer.Option(..., "-o", "--output", help="Folder for the letters"),
    fmt: list[str] = typer.Option(["pdf"], "--format", help="pdf and/or docx (repeat the option for both)"),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, max=64, help="Processes (default: CPUs)"),
    sign: bool = typer.Option(False, "--sign", help="Sign the PDFs (PAdES); without a key, the demo certificate"),
    level: str = LEVEL,
    tsa_url: Optional[str] = TSA_URL,
    mapping: Optional[Path] = typer.Option(None, "--mapping", help="Column mapping of a CSV/XLSX export"),
    kind: Optional[str] = typer.Option(None, "--kind", help="Export: the document kind of every letter"),
    tone: Optional[str] = typer.Option(None, "--tone", help="Export: the tone of every letter"),
    skip_invalid: bool = typer.Option(False, "--skip-invalid",
                                      help="Export: leave invalid cases out (listed in errors.csv)"),
    tenant: Optional[str] = typer.Option(None, "--tenant", help="Export: register each case and its letters "
                                                                  "in the store, for this tenant"),
    queue: bool = typer.Option(False, "--queue", help="Export: one Celery task per case "
                                                      "($CORRESPONDENCE_BROKER_URL; see `correspondence worker`)"),
    brand: Optional[str] = typer.Option(None, "--brand", help="Export: one brand for every letter (brands/NAME; "
                                                              "with --tenant, one of the tenant's brands)"),
    brands_dir: Optional[Path] = typer.Option(None, "--brands-dir", help="Export: the brand library (default: "
                                                                         "brands/ beside the export, else ./brands)"),
    engine: str = ENGINE,
    key_source: Any = None,
) -> None:
    """Render (and sign) many letters; a bad case file is reported and skipped, exit code 2 at the end.

    With one CSV/XLSX export and --mapping, rows are grouped into one case per debtor and credit, every row is
    checked before anything is rendered, and the output folder gets manifest.csv/json; rerunning resumes."""
    from ..batch import BatchResult, BatchSigning, run_batch
    from ..errors import InputError
    from ..render.engines import check_engine
    from ..sign import Level
    from .signing import key_recipe_for_cli

    check_engine(engine)

    signing = None
    if sign or wants_key(key_source):
        if "pdf" not in fmt:
            raise InputError("--sign", "only PDF output is signed")
        Level.parse(level)
        if not queue:
            signing = BatchSigning(key_recipe_for_cli(key_source), level=level, tsa_url=tsa_url)
    from .campaign import is_campaign, run_campaign_cli

    if is_campaign(case_files, mapping):
        if len(case_files) != 1:
            raise InputError("case_files", "give one CSV/XLSX export per campaign")
        if queue and wants_key(key_source):
            raise InputError("--queue", "queued letters are signed by the workers with their own key "
                                        "($CORRESPONDENCE_SIGNING_P12); drop --p12/--pkcs11-module")
        run_campaign_cli(case_files[0], mapping, output, fmt, workers, signing,
                         level if (sign and queue) else None, kind, tone, skip_invalid, queue, tenant,
                         brand=brand, brands_dir=brands_dir, engine=engine)
        return
    if queue or kind or tone or skip_invalid or tenant or brand or brands_dir:
        raise InputError("--mapping", "--kind, --tone, --skip-invalid, --tenant, --queue, --brand and --brands-dir "
                                      "apply to a CSV/XLSX export")
    failed = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        task = progress.add_task("letters", total=len(case_files))

        def advance(result: BatchResult) -> None:
            progress.advance(task)
            if not result.ok:
                failed.append(result)

        results = run_batch(case_files, output, formats=fmt, signing=signing, workers=workers, on_result=advance,
                            engine=engine)
    done = sum(len(r.outputs) for r in results)
    console.print(f"{done} file(s) written to {output}/, {len(results) - len(failed)} of {len(results)} cases",
                  soft_wrap=True)
    for result in failed:
        err_console.print(f"[bold red]error:[/] {escape(str(result.source))}: {escape(result.error or '')}",
                          highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the main app."""
    app.command()(batch)
