"""The command table: each command's name, the modules that define it and its one-line help.

`correspondence --help` lists every command from this table without importing a command module, and running
a command imports only the modules it names (a command module pulls in the store, the figures engine, or
the signing and rendering libraries: importing all of them cost about a second on every start).
tests/cli/test_cli_structure.py checks that the table's help is what the modules' docstrings say.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

try:  # Typer >= 0.20 vendors click (as app.py notes)
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover
    from click.exceptions import UsageError  # type: ignore[assignment]


@dataclass(frozen=True)
class Command:
    """A top-level command: the modules whose `register(app)` define it, and the help --help prints."""

    modules: tuple[str, ...]
    help: str


# In the order --help has always listed them: single commands first, then groups (as Typer orders them).
COMMANDS: dict[str, Command] = {
    "render": Command(("render",), "Render a case to PDF or DOCX. Options override the same fields in the case file."),
    "templates": Command(("render",), "Print the matrix of kinds x tones x credit types x languages available."),
    "schema": Command(("render",), "Export the case file schema as JSON Schema."),
    "batch": Command(("batch",), "Render (and sign) many letters; a bad case file is reported and skipped, exit code "
                                 "2 at the end."),
    "batch-template": Command(("campaign",), "Write a sample export (CSV and XLSX, Italian conventions) and the "
                                             "documented mapping that reads it."),
    "worker": Command(("campaign",), "Start a Celery worker for `batch --queue` (broker: $CORRESPONDENCE_BROKER_URL; "
                                     "signs with\n$CORRESPONDENCE_SIGNING_P12 or the demo certificate, loaded once). "
                                     "Start as many as the machine has cores:\neach is named after its process, so "
                                     "several run side by side."),
    "interest": Command(("figures",), "Late-payment interest, compensation, payments and totals, period by period, "
                                      "with sources."),
    "sign": Command(("signing",), "Sign a PDF (PAdES) or any file (CAdES .p7m); the output appears only if signing "
                                  "succeeded."),
    "verify": Command(("signing",), "Verify signatures; exit code 0 only if every signature is valid and trusted."),
    "renew-lta": Command(("signing",), "Add a new archival document timestamp to a B-LTA PDF (before the last one's "
                                       "TSA cert expires)."),
    "demo-cert": Command(("signing",), "Create (once) a demo CA and signer labelled 'DEMO - NOT FOR LEGAL USE'."),
    "serve": Command(("serve",), "Run the HTTP API. SQLite databases are migrated on start; run `db upgrade` first "
                                 "for PostgreSQL."),
    "demo": Command(("demo",), "Render, sign and track a sample set in both languages and formats (SQLite, local "
                               "files, demo cert)."),
    "background": Command(("background",), "Collect every stored PEC mailbox, notice expired deadlines and send due "
                                           "webhooks, every SECONDS."),
    "preview": Command(("preview",), "Render the case's letter as PDF and write page PAGE as a PNG image."),
    "rates": Command(("figures",), "Rate tables: list them, or load newly published rows."),
    "trust": Command(("trust",), "Accredited PEC providers (AgID list) used to trust PEC receipts."),
    "pec": Command(("pec",), "PEC: send dispatches and collect their receipts from the mailbox."),
    "apikey": Command(("serve",), "API keys (one tenant each)."),
    "db": Command(("serve",), "Database maintenance."),
    "case": Command(("case", "plans"), "Casework on the embedded store: open, pay, log, render, next step, work list."),
    "user": Command(("user",), "Staff accounts for the web pages (/ui/)."),
    "wording": Command(("wording",), "Tenant wording: the blocks one can replace, and checking an override folder."),
}


def load(modules: tuple[str, ...]) -> TyperGroup:
    """The click commands that `modules` register, as Typer builds them for a real app."""
    holder = typer.Typer()
    for module in modules:
        importlib.import_module(f"{__package__}.{module}").register(holder)
    return typer.main.get_group(holder)


class LazyCommands(TyperGroup):
    """The root group: lists the table's commands, and builds a command from its modules only when it runs.

    While --help is printed, a command not loaded yet is stood in for by its name and help (nothing imported).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        own = super().list_commands(ctx)  # commands added to the app itself (tests add probes)
        return [*COMMANDS, *(name for name in own if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        entry = COMMANDS[cmd_name]
        if self._listing:
            return TyperCommand(cmd_name, help=entry.help)
        for name, command in load(entry.modules).commands.items():
            self.commands.setdefault(name, command)
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:  # Typer suggests only among loaded commands: suggest among all of them
            if args and "Did you mean" not in exc.message:
                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    exc.message = f"{exc.message.rstrip('.')}. Did you mean {', '.join(map(repr, matches))}?"
            raise

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
