"""The CLI's shape: commands are module-level functions, and the signing-key options are one shared group."""
from __future__ import annotations

import typer.main

from correspondence.cli.app import app

KEY_OPTIONS = {"--p12", "--p12-password-file", "--pkcs11-module", "--token-label", "--key-label", "--cert-label",
               "--pin-file", "--level", "--tsa-url"}


def _commands(group, prefix: str = ""):  # noqa: ANN001, ANN202 - click objects
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def test_commands_are_module_level_functions() -> None:
    commands = dict(_commands(typer.main.get_command(app)))
    assert {"render", "batch", "sign", "rates update", "trust show", "case add"} <= set(commands)
    closures = [name for name, c in commands.items() if "<locals>" in c.callback.__qualname__]
    assert closures == []


def test_the_signing_commands_share_the_key_options() -> None:
    commands = dict(_commands(typer.main.get_command(app)))
    helps = []
    for name in ("render", "batch", "sign"):
        params = {opt: p for p in commands[name].params for opt in p.opts}
        assert KEY_OPTIONS <= set(params), name
        helps.append({opt: params[opt].help for opt in KEY_OPTIONS})
    assert helps[0] == helps[1] == helps[2]
