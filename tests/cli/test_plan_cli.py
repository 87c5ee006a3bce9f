"""`correspondence case plan ...`: record a plan and a promise, see each instalment; bad input exits 2."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from correspondence.cli.app import main
from tests.casedata import PLANS, example


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CORRESPONDENCE_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_plan_commands(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case_file = home / "case.yaml"
    case_file.write_text(yaml.safe_dump(example("it"), allow_unicode=True))
    code, out, _ = run(capsys, "case", "add", str(case_file))
    assert code == 0
    case_id = out.strip()
    plan_file = home / "plan.yaml"
    plan_file.write_text(yaml.safe_dump(PLANS["it"]))
    code, out, _ = run(capsys, "case", "plan", "add", "PR-2026/0147", str(plan_file))
    assert code == 0 and "plan " in out and "1889.27" in out and "704.64" in out
    assert run(capsys, "case", "pay", case_id, "--date", "2026-10-30", "--amount", "704.64")[0] == 0
    code, out, _ = run(capsys, "case", "plan", "show", case_id, "--at", "2026-12-20")
    assert code == 0 and "broken" in out and "missed" in out and "due now 1183.41" in out
    code, out, _ = run(capsys, "case", "next", case_id, "--at", "2026-12-20")
    assert code == 0 and "missed_instalment" in out

    bad = dict(PLANS["it"], acknowledged="1000.00")
    plan_file.write_text(yaml.safe_dump(bad))
    code, _, err = run(capsys, "case", "plan", "add", case_id, str(plan_file))
    assert code == 2 and "instalments" in err and "1880.50" in err
    code, _, err = run(capsys, "case", "plan", "promise", case_id, "--amount", "abc", "--due", "2026-12-01")
    assert code == 2 and "--amount" in err
    code, out, _ = run(capsys, "case", "plan", "promise", case_id, "--amount", "300.00", "--due", "2026-12-15",
                       "--on", "2026-12-01", "--written")
    assert code == 0 and "promise" in out and "300.00" in out
