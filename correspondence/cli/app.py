"""The `correspondence` command: one Typer app, one error boundary.

Each command group lives in its own module under `correspondence.cli` and exposes
``register(app: typer.Typer) -> None``, which only attaches the module-level command functions; the table in
`commands.py` names them, so a command's module is imported only when that command runs. `main` is
the boundary every command runs inside (as pyHanko's CLI exception manager): a library error is printed as
one ``error:`` line per problem with the exit code of `EXIT_CODES`; a system error (OSError) or an
unexpected one as one line and exit 1. ``--debug`` adds the traceback and DEBUG logging.
"""
from __future__ import annotations

import gc
import sys
import traceback

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import (
    Conflict, ConfigurationError, CorrespondenceError, EvidenceRefused, InputError, InputErrors, NotFound,
    RenderingError, SigningError, TooLarge, Unavailable, UpstreamError, classify,
)

from click.exceptions import ClickException

from .commands import LazyCommands

try:  # Typer >= 0.20 vendors click; older releases use the click package
    from typer._click.exceptions import ClickException as _VendoredClickException
    CLICK_ERRORS: tuple[type[ClickException] | type[_VendoredClickException], ...] = \
        (ClickException, _VendoredClickException)
except ImportError:  # pragma: no cover
    CLICK_ERRORS = (ClickException,)

EXIT_CODES: dict[type[CorrespondenceError], int] = {
    CorrespondenceError: 1,   # unclassified: a failure of ours
    InputError: 2,            # the request cannot be done as given: fix the input and run again
    TooLarge: 2,
    Conflict: 2,
    EvidenceRefused: 2,
    SigningError: 2,
    NotFound: 2,
    ConfigurationError: 2,    # fix the installation or the settings and run again
    UpstreamError: 2,         # a server we depend on refused (TLS, credentials) or is not there: check its URL
    RenderingError: 1,
    Unavailable: 1,
}
"""The one table from error type to exit code (0 success, 1 failure, 2 refused as given)."""

app = typer.Typer(
    name="correspondence",
    help="Debt-collection correspondence for Italy and Spain: letters, figures, signatures, proof of delivery.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=LazyCommands,
)
err_console = Console(stderr=True)
_options = {"debug": False}


def global_options(
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of a failure, and DEBUG logs"),
) -> None:
    """Debt-collection correspondence for Italy and Spain: letters, figures, signatures, proof of delivery."""
    from ..logs import configure
    from ..settings import settings

    _options["debug"] = debug
    configure("DEBUG" if debug else settings().log_level)


app.callback()(global_options)


def report_error(exc: CorrespondenceError) -> None:
    """Print an error the way every command does: field and reason, one per line."""
    if isinstance(exc, InputErrors):
        for err in exc.errors:
            _line(f"{err.field}: {err.reason}")
    elif isinstance(exc, InputError):
        _line(f"{exc.field}: {exc.reason}")
    else:
        _line(str(exc))


def _line(text: str) -> None:
    err_console.print(f"[bold red]error:[/] {escape(text)}", highlight=False, soft_wrap=True)


def _system_error(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def run_app(command: typer.Typer, argv: list[str] | None = None) -> int:
    """Run `command` inside the error boundary; returns the exit code."""
    _options["debug"] = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        code = command(args=argv, standalone_mode=False)  # click returns typer.Exit's code here
    except CorrespondenceError as exc:
        report_error(exc)
        return _debug(classify(exc, EXIT_CODES))
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except SystemExit as exc:  # typer.Exit and click's own exits
        return int(exc.code or 0) if isinstance(exc.code, int) else 1
    except CLICK_ERRORS as exc:  # usage errors: unknown option, bad choice
        exc.show()
        return exc.exit_code if isinstance(exc.exit_code, int) else 2
    except OSError as exc:
        _line(_system_error(exc))
        return _debug(1)
    except Exception as exc:  # noqa: BLE001 - the boundary: one line, the traceback only with --debug
        _line(f"unexpected {type(exc).__name__}: {exc}" + ("" if _options["debug"] else
                                                           " (run with --debug for the traceback)"))
        return _debug(1)
    return code if isinstance(code, int) else 0


def _debug(code: int) -> int:
    if _options["debug"]:
        traceback.print_exc(file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app inside the error boundary."""
    return run_app(app, argv)


def run() -> None:
    code = main()
    # the interpreter's last collection would walk every object of the process only to free the memory the
    # exit frees anyway: after a campaign, with pyHanko and the renderer loaded, that took 0.2 s of each run
    gc.freeze()
    sys.exit(code)
