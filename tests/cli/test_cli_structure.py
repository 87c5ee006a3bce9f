"""The CLI's shape: commands are module-level functions, the signing-key options are one shared group, and a
command's module (with the libraries it needs) is imported only when that command runs."""
from __future__ import annotations

import subprocess
import sys

import typer
import typer.main
from typer.testing import CliRunner

from correspondence.cli import commands as command_table
from correspondence.cli.app import app, global_options

KEY_OPTIONS = {"--p12", "--p12-password-file", "--pkcs11-module", "--token-label", "--key-label", "--cert-label",
               "--pin-file", "--level", "--tsa-url"}


def _commands(group, prefix: str = ""):  # noqa: ANN001, ANN202 - click objects
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):  # the root loads its commands on demand: ask it, not .commands
        command = group.get_command(ctx, name)
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


def _imported_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    return set(run.stdout.split())


def test_importing_the_cli_loads_no_command_library() -> None:
    loaded = _imported_after("import correspondence.cli.app")
    assert not {"weasyprint", "pyhanko", "docx", "typst", "sqlalchemy"} & loaded
    assert not {m for m in loaded if m.startswith("correspondence.cli.") and m not in
                ("correspondence.cli.app", "correspondence.cli.commands")}


def test_a_command_imports_only_its_own_module() -> None:
    loaded = _imported_after("from correspondence.cli.app import main\nassert main(['schema']) == 0")
    commands = {m for m in loaded if m.startswith("correspondence.cli.")}
    assert commands == {"correspondence.cli.app", "correspondence.cli.commands", "correspondence.cli.render",
                        "correspondence.cli.options"}
    assert not {"weasyprint", "pyhanko", "docx", "sqlalchemy"} & loaded


# the order app.py imported them in before the table (--help lists commands in registration order)
MODULES = ("render", "batch", "campaign", "figures", "signing", "trust", "pec", "serve", "demo", "case", "plans",
           "background", "user", "wording", "preview")


def _eager_app() -> typer.Typer:
    """The app as it was before commands were loaded on demand: every module registered up front."""
    eager = typer.Typer(name="correspondence", help=app.info.help, no_args_is_help=True, add_completion=False,
                        pretty_exceptions_enable=False)
    eager.callback()(global_options)
    assert set(MODULES) == {m for c in command_table.COMMANDS.values() for m in c.modules}
    for module in MODULES:
        __import__(f"correspondence.cli.{module}", fromlist=["register"]).register(eager)
    return eager


def test_help_lists_every_command_as_the_modules_define_it() -> None:
    runner = CliRunner()
    lazy = runner.invoke(app, ["--help"], prog_name="correspondence", terminal_width=100)
    eager = runner.invoke(_eager_app(), ["--help"], prog_name="correspondence", terminal_width=100)
    assert lazy.exit_code == eager.exit_code == 0
    assert lazy.output == eager.output
    real = typer.main.get_command(_eager_app())
    assert list(command_table.COMMANDS) == list(real.commands)  # type: ignore[attr-defined]
    for name, command in real.commands.items():  # type: ignore[attr-defined]
        assert (command.short_help or command.help).startswith(command_table.COMMANDS[name].help), name


def test_a_mistyped_command_is_suggested_among_all_commands(capsys) -> None:  # noqa: ANN001
    from correspondence.cli.app import main

    assert main(["verfy"]) == 2
    assert "Did you mean 'verify'?" in capsys.readouterr().err
