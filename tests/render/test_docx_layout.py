"""The committed Word layout is exactly what its builder script makes (the script is the reviewable source)."""
from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

from correspondence.packaged import shared_dir

LAYOUTS = shared_dir() / "layouts"


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_letter_docx_matches_build_docx_layout(tmp_path):
    spec = importlib.util.spec_from_file_location("build_docx_layout", LAYOUTS / "build_docx_layout.py")
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    built = tmp_path / "letter.docx"
    builder.build(built)
    committed, fresh = _parts(LAYOUTS / "letter.docx"), _parts(built)
    assert sorted(committed) == sorted(fresh)
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"letter.docx is stale in {stale}: run python correspondence/templates/shared/layouts/build_docx_layout.py"
