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
from rich.markup import escape

from ..errors import CorrespondenceError, InputError, InputErrors

from click.exceptions import ClickException

try:  # Typer >= 0.20 vendors click; older releases use the click package
    from typer._click.exceptions import ClickException as _VendoredClickException
    CLICK_ERRORS: tuple[type[ClickException] | type[_VendoredClickException], ...] = \
        (ClickException, _VendoredClickException)
except ImportError:  # pragma: no cover
    CLICK_ERRORS = (ClickException,)

COMMAND_MODULES = ("render", "batch", "figures", "signing", "dispatch", "trust", "pec", "serve", "demo", "case", "plans",
                   "wording", "preview")

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
            err_console.print(f"[bold red]error:[/] {escape(err.field)}: {escape(err.reason)}", highlight=False, soft_wrap=True)
    elif isinstance(exc, InputError):
        err_console.print(f"[bold red]error:[/] {escape(exc.field)}: {escape(exc.reason)}", highlight=False, soft_wrap=True)
    else:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and map library errors to exit code 2."""
    try:
        code = app(args=argv, standalone_mode=False)  # click returns typer.Exit's code here
    except CorrespondenceError as exc:
        report_error(exc)
        return 2
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except SystemExit as exc:  # typer.Exit and click's own exits
        return int(exc.code or 0) if isinstance(exc.code, int) else 1
    except CLICK_ERRORS as exc:  # usage errors: unknown option, bad choice
        exc.show()
        return 2
    return code if isinstance(code, int) else 0


def run() -> None:
    sys.exit(main())
