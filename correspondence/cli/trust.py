"""CLI: `correspondence trust show|update`, the list of accredited PEC providers used to trust receipts."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

console = Console()


def trust_show() -> None:
    """Print the list in use: where it comes from, its date, providers and CAs."""
    from ..dispatch.providers import load_trust_list

    trust = load_trust_list()
    console.print(f"list: {escape(trust.origin)}\ndate: {trust.date}\nsource: {escape(trust.source)}",
                  highlight=False, soft_wrap=True)
    for provider in trust.providers:
        console.print(f"provider: {escape(provider.name)}", highlight=False)
    for cert in trust.anchors:
        console.print(f"ca: {escape(cert.subject.human_friendly)}", highlight=False, soft_wrap=True)


def trust_update(file: Path = typer.Option(..., "--file", help="The provider list (JSON: date, source, "
                                                               "providers, anchors)")) -> None:
    """Validate FILE and install it under $CORRESPONDENCE_HOME/trust/: receipts uploaded from now on are
    judged against it (receipts already stored keep the verdict recorded when they arrived)."""
    from ..dispatch.providers import install_trust_list
    from ..errors import InputError

    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise InputError("file", f"cannot read {file}: {exc.strerror or exc}") from None
    trust, path = install_trust_list(raw)
    console.print(f"installed {path}: list of {trust.date}, {len(trust.providers)} providers, "
                  f"{len(trust.anchors)} CAs", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the main app."""
    trust_app = typer.Typer(help="Accredited PEC providers (AgID list) used to trust PEC receipts.",
                            no_args_is_help=True)
    trust_app.command("show")(trust_show)
    trust_app.command("update")(trust_update)
    app.add_typer(trust_app, name="trust")
