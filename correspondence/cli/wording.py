"""CLI: what a tenant can override in the wording, and checking an override folder before use."""
from __future__ import annotations

from pathlib import Path

import typer

from ..errors import InputError
from ..model import DocumentKind, Language


def show(kind: DocumentKind = typer.Argument(..., help="Document kind"),
         language: Language = typer.Option(Language.it, "--language", help="Language")) -> None:
    """Print the blocks of KIND a `blocks.j2` may replace, and the files that replace more."""
    from ..wording.overrides import overridable_blocks, phrase_catalogue

    lang = language.value
    catalogue = phrase_catalogue(lang)
    source = (Path(__file__).resolve().parents[1] / "templates" / lang / "wording" / f"{kind.value}.j2").read_text(encoding="utf-8")
    typer.echo(f"{kind.value} ({lang}): replace the whole kind with {kind.value}.j2 in your wording folder "
               f"({lang}/{kind.value}.j2), or single blocks with {lang}/blocks.j2:")
    for signature, doc in overridable_blocks(lang):
        name = signature.split("(")[0]
        used = f"f.{name}(" in source
        typer.echo(f"  {{% macro {signature} %}}{'' if used else '   (not called directly by this kind)'}" + (f"  – {doc}" if doc else ""))
    typer.echo(f"blocks come from {catalogue}; every variable of the wording context can be read")


def check(folder: Path = typer.Argument(..., help="Wording folder (files, or it/ and es/ subfolders)")) -> None:
    """Check an override folder: syntax and variables, with the file and line of each error."""
    from ..packaged import available_languages
    from ..wording.overrides import load_folder

    total = 0
    for lang in available_languages():
        total += len(load_folder(folder, lang).files)
    if not total:
        raise InputError("folder", f"no wording files (*.j2) in {folder}")
    typer.echo(f"{folder}: {total} file(s) valid")


def register(app: typer.Typer) -> None:
    wording_app = typer.Typer(help="Tenant wording: the blocks one can replace, and checking an override folder.",
                              no_args_is_help=True)
    wording_app.command("show")(show)
    wording_app.command("check")(check)
    app.add_typer(wording_app, name="wording")
