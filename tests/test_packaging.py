"""A non-editable install carries its templates, fonts, rate tables, migrations and example cases."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_assets_and_renders_outside_the_checkout(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("correspondence-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("correspondence/templates/shared/fonts/LiberationSerif-Regular.ttf",
                     "correspondence/templates/shared/layouts/letter.docx",
                     "correspondence/templates/shared/typst/letter.typ",
                     "correspondence/templates/shared/typst/layout.typ",
                     "correspondence/templates/shared/typst/letters.typ",
                     "correspondence/templates/shared/typst/stamp.typ",
                     "correspondence/templates/it/wording/legal_notice.j2",
                     "correspondence/templates/es/language.yaml",
                     "correspondence/_examples/case-it.yaml",
                     "correspondence/api/app.py", "correspondence/api/ui/templates/case.html",
                     "correspondence/api/ui/static/ui.js"):
        assert required in names, required
    assert any(n.startswith("correspondence/figures/data/") and n.endswith(".csv") for n in names)
    for table in ("costs_it.csv", "costs_es.csv", "recovery.csv"):  # the report's cost/benefit inputs
        assert f"correspondence/report/data/{table}" in names, table
    assert any(n.startswith("correspondence/store/migrations/") for n in names)

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "CORRESPONDENCE_HOME": str(work / "home")}
    script = ("import correspondence.packaged as t, sys; print(t.templates_root()); "
              "from correspondence.cli.app import main; sys.exit(main(['render', str(t.examples_dir() / 'case-es.yaml'), "
              "'-o', 'out.pdf']))")
    proc = subprocess.run([sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert str(target) in proc.stdout
    assert (work / "out.pdf").read_bytes().startswith(b"%PDF-")
