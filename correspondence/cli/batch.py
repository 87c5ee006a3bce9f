"""CLI: `correspondence batch`, many case files to letters on a pool of processes, with a progress bar."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console()
err_console = Console(stderr=True)


def register(app: typer.Typer) -> None:
    @app.command()
    def batch(
        case_files: list[Path] = typer.Argument(..., help="Case files (YAML or JSON)"),
        output: Path = typer.Option(..., "-o", "--output", help="Folder for the letters"),
        fmt: list[str] = typer.Option(["pdf"], "--format", help="pdf and/or docx (repeat the option for both)"),
        workers: Optional[int] = typer.Option(None, "--workers", min=1, max=64, help="Processes (default: CPUs)"),
        sign: bool = typer.Option(False, "--sign", help="Sign the PDFs (PAdES); without a key, the demo certificate"),
        p12: Optional[Path] = typer.Option(None, "--p12"),
        p12_password_file: Optional[Path] = typer.Option(None, "--p12-password-file"),
        pkcs11_module: Optional[Path] = typer.Option(None, "--pkcs11-module"),
        token_label: Optional[str] = typer.Option(None, "--token-label"),
        key_label: Optional[str] = typer.Option(None, "--key-label"),
        pin_file: Optional[Path] = typer.Option(None, "--pin-file"),
        level: str = typer.Option("B-B", "--level"),
        tsa_url: Optional[str] = typer.Option(None, "--tsa-url"),
    ) -> None:
        """Render (and sign) many letters; a bad case file is reported and skipped, exit code 2 at the end."""
        from ..batch import BatchSigning, run_batch
        from ..errors import InputError
        from ..sign import KeySource, Level
        from .signing import key_recipe_for_cli

        signing = None
        if sign or p12 or pkcs11_module:
            if "pdf" not in fmt:
                raise InputError("--sign", "only PDF output is signed")
            Level.parse(level)
            source = KeySource(p12=p12, p12_password_file=p12_password_file, pkcs11_module=pkcs11_module,
                               token_label=token_label, key_label=key_label, pin_file=pin_file)
            signing = BatchSigning(key_recipe_for_cli(source), level=level, tsa_url=tsa_url)
        failed = []
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console) as progress:
            task = progress.add_task("letters", total=len(case_files))

            def advance(result) -> None:
                progress.advance(task)
                if not result.ok:
                    failed.append(result)

            results = run_batch(case_files, output, formats=fmt, signing=signing, workers=workers, on_result=advance)
        done = sum(len(r.outputs) for r in results)
        console.print(f"{done} file(s) written to {output}/, {len(results) - len(failed)} of {len(results)} cases",
                      soft_wrap=True)
        for result in failed:
            err_console.print(f"[bold red]error:[/] {escape(str(result.source))}: {escape(result.error or '')}",
                              highlight=False, soft_wrap=True)
        if failed:
            raise typer.Exit(2)
