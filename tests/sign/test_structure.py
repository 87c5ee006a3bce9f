"""The signing package's shape: no import circle, keys carry no signing methods, speed-ups pinned."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import correspondence.sign as sign_pkg
from correspondence.sign import SignOptions, SigningKey, sign_pdf, verify_pdf
from correspondence.sign import speedups
from conftest import P12_PASSWORD

SIGN_DIR = Path(sign_pkg.__file__).parent


def _sibling_imports(path: Path) -> set[str]:
    """Modules of correspondence.sign imported anywhere in `path`, function-level imports included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_sign_package_has_no_import_circle():
    graph = {p.stem: _sibling_imports(p) & {q.stem for q in SIGN_DIR.glob("*.py")}
             for p in SIGN_DIR.glob("*.py") if p.stem != "__init__"}
    assert "pades" not in graph["keys"] and "cades" not in graph["keys"]

    def visit(node: str, trail: tuple[str, ...]) -> None:
        assert node not in trail, f"import circle: {' -> '.join(trail + (node,))}"
        for nxt in graph.get(node, ()):
            visit(nxt, trail + (node,))

    for module in graph:
        visit(module, ())


def test_the_key_carries_no_signing_methods():
    for name in ("sign_pdf", "async_sign_pdf", "sign_p7m", "async_sign_p7m"):
        assert not hasattr(SigningKey, name)


def test_speedups_are_pinned_to_the_tested_pyhanko():
    assert speedups.pyhanko_series() in speedups.TESTED_PYHANKO  # bump TESTED_PYHANKO after testing
    assert speedups.ENABLED


def test_untested_pyhanko_falls_back_to_stock_signing(pki, letter, monkeypatch):
    monkeypatch.setattr(speedups, "ENABLED", False)
    key = SigningKey.from_p12(pki.p12("signer"), P12_PASSWORD)
    assert type(key.signer) is not speedups.CachedKeySigner
    assert "signed_attrs" not in vars(key.signer)  # pyHanko's own method, not the per-instance patch
    signed = sign_pdf(key, letter, SignOptions(trust_roots=(pki.root_pem,)))
    assert verify_pdf(signed, [pki.root_pem], allow_fetching=False).valid


def test_tested_pyhanko_gets_the_speedups(pki):
    key = SigningKey.from_p12(pki.p12("signer"), P12_PASSWORD)
    assert type(key.signer) is speedups.CachedKeySigner
    assert "signed_attrs" in vars(key.signer)
