"""The annotations are checked: mypy (strict, configured in pyproject.toml) passes on correspondence/, and the
packages that import their names on first use declare the same names to type checkers."""
from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_strict_passes_on_the_package():
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"mypy failed:\n{run.stdout}{run.stderr}"


def _type_checking_imports(tree: ast.Module) -> dict[str, str]:
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom) and stmt.level == 1:
                    for alias in stmt.names:
                        assert alias.asname in (None, alias.name), alias.name
                        names[alias.name] = str(stmt.module)
    return names


@pytest.mark.parametrize("package", ["correspondence.sign", "correspondence.render"])
def test_lazy_exports_are_declared_to_type_checkers(package):
    module = importlib.import_module(package)
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    assert _type_checking_imports(tree) == module._EXPORTS
    for name in module._EXPORTS:  # and each resolves at run time
        assert getattr(module, name) is not None


def test_the_report_declares_its_lazy_dossier_names():
    import correspondence.report as report

    tree = ast.parse(Path(str(report.__file__)).read_text(encoding="utf-8"))
    lazy = _type_checking_imports(tree)
    assert lazy == {"Annex": "dossier", "compose_report": "dossier", "render_report": "dossier"}
    assert set(lazy) <= set(report.__all__)
    assert all(getattr(report, name) is not None for name in lazy)
