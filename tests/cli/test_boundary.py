"""The CLI error boundary: every error type has its exit code, system and unexpected errors are one line."""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
import typer

import correspondence
from correspondence.cli.app import EXIT_CODES, main, run_app
from correspondence.errors import DOMAIN_ERRORS, CorrespondenceError
from tests.casedata import EXAMPLES as CASES
from tests.errorcases import EXAMPLES


def _raising(exc: BaseException) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def fail() -> None:
        raise exc

    @app.command()
    def other() -> None:  # two commands: `fail` is a subcommand, as in the real app
        pass

    return app


def test_the_exit_code_table_covers_every_domain_error_type() -> None:
    assert set(EXIT_CODES) == set(DOMAIN_ERRORS) == set(EXAMPLES)


@pytest.mark.parametrize("kind", DOMAIN_ERRORS, ids=lambda k: k.__name__)
def test_each_error_type_exits_with_its_code_and_one_line(kind: type, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(_raising(EXAMPLES[kind]), ["fail"]) == EXIT_CODES[kind]
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_every_library_error_is_of_a_domain_type() -> None:
    for info in pkgutil.walk_packages(correspondence.__path__, "correspondence."):
        if ".migrations" not in info.name and not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    seen, todo = set(), [CorrespondenceError]
    while todo:
        cls = todo.pop()
        seen.add(cls)
        todo += cls.__subclasses__()
    for cls in seen - set(DOMAIN_ERRORS):
        assert any(issubclass(cls, d) for d in DOMAIN_ERRORS if d is not CorrespondenceError), \
            f"{cls.__module__}.{cls.__name__} should derive from a domain type of correspondence.errors"


def test_a_failing_write_exits_1_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["render", str(CASES / "case-it.yaml"), "-o", "/proc/nope/x.pdf"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.startswith("error:")] == \
        ["error: /proc/nope: No such file or directory"]
    assert "Traceback" not in err and not list(Path("/proc").glob("nope*"))
    assert main(["--debug", *argv]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_an_unexpected_error_is_one_line_naming_its_type(capsys: pytest.CaptureFixture[str]) -> None:
    app = _raising(KeyError("surprise"))
    assert run_app(app, ["fail"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: unexpected KeyError") and "--debug" in err and "Traceback" not in err
