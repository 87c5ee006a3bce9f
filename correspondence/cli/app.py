"""The `correspondence` command: one Typer app, one error boundary.

Each command group lives in its own module under `correspondence.cli` and exposes
``register(app: typer.Typer) -> None``. Every `InputError` (and any `CorrespondenceError`) is turned into a
one-line message on stderr with exit code 2; no stack trace reaches the user.
"""
from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console

from ..errors import CorrespondenceError, InputError, InputErrors

COMMAND_MODULES = ("render", "figures", "signing", "dispatch", "serve", "demo")

app = typer.Typer(
    name="correspondence",
    help="Debt-collection correspondence for Italy and Spain: letters, figures, signatures, proof of delivery.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True)

for _name in COMMAND_MODULES:
    importlib.import_module(f"{__package__}.{_name}").register(app)


def report_error(exc: CorrespondenceError) -> None:
    """Print an error the way every command does: field and reason, one per line."""
    if isinstance(exc, InputErrors):
        for err in exc.errors:
            err_console.print(f"[bold red]error:[/] {err.field}: {err.reason}", highlight=False, markup=True)
    elif isinstance(exc, InputError):
        err_console.print(f"[bold red]error:[/] {exc.field}: {exc.reason}", highlight=False)
    else:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and map library errors to exit code 2."""
    try:
        app(args=argv, standalone_mode=False)
    except CorrespondenceError as exc:
        report_error(exc)
        return 2
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except SystemExit as exc:  # typer.Exit and click's own exits
        return int(exc.code or 0) if isinstance(exc.code, int) else 1
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return 2
        raise
    return 0


def run() -> None:
    sys.exit(main())
