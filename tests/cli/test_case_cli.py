"""`correspondence case ...`: the casework on the embedded SQLite store under $CORRESPONDENCE_HOME."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from correspondence.cli.app import main
from tests.casedata import PLANS, example
from tests.textutil import pdf_flat


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


def test_case_commands_follow_the_case(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case_file = home / "case.yaml"
    case_file.write_text(yaml.safe_dump(example("it", actions=[], kind="first_demand", date="2026-06-01"),
                                        allow_unicode=True, default_flow_style=False))
    code, out, _ = run(capsys, "case", "add", str(case_file))
    assert code == 0
    case_id = out.strip()
    code, out, _ = run(capsys, "case", "next", case_id, "--at", "2026-06-01")
    assert code == 0 and "next: data_check" in out
    assert run(capsys, "case", "log", "PR-2026/0147", "--type", "data_check", "--date", "2026-05-30")[0] == 0
    assert run(capsys, "case", "log", case_id, "--type", "letter", "--date", "2026-06-01",
               "--outcome", "delivered on 2026-06-04")[0] == 0
    assert run(capsys, "case", "pay", case_id, "--date", "2026-10-01", "--amount", "300.00")[0] == 0
    letter = home / "second.pdf"
    code, out, _ = run(capsys, "case", "render", case_id, "--kind", "second_demand", "--date", "2026-11-23",
                       "-o", str(letter))
    assert code == 0 and "second_demand" in out
    text = pdf_flat(letter.read_bytes())
    assert "1° giugno 2026" in text and "500,00" in text  # the letter logged; payments 200 + 300 recorded
    code, out, _ = run(capsys, "case", "show", case_id, "--at", "2026-11-23", "--json")
    shown = json.loads(out)
    assert shown["figures"]["payments_total"] == "500.00" and shown["version"] == 1
    total = shown["figures"]["total_due"]
    whole, cents = f"{float(total):,.2f}".split(".")
    assert f"{whole.replace(',', '.')},{cents}" in text  # the letter and `case show` agree to the cent
    code, out, _ = run(capsys, "case", "list", "--due", "2027-01-31")
    assert code == 0 and "PR-2026/0147" in out


def test_case_commands_refuse_bad_input_with_exit_2(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case_file = home / "case.yaml"
    case_file.write_text(yaml.safe_dump(example("it"), allow_unicode=True))
    case_id = run(capsys, "case", "add", str(case_file))[1].strip()
    code, _, err = run(capsys, "case", "pay", case_id, "--date", "2026-11-01", "--amount", "99999.00")
    assert code == 2 and "error: amount:" in err and "owed on 2026-11-01" in err
    code, _, err = run(capsys, "case", "pay", case_id, "--date", "yesterday", "--amount", "1.00")
    assert code == 2 and "error: --date:" in err
    code, _, err = run(capsys, "case", "show", "no-such-case")
    assert code == 2 and "error: case:" in err
    code, _, err = run(capsys, "case", "render", case_id, "--kind", "first_demand", "--date", "2026-04-01",
                       "-o", str(home / "x.pdf"))
    assert code == 2 and "claim.invoices" in err and not (home / "x.pdf").exists()


def test_render_warns_about_unverified_rates_and_strict_refuses(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.casedata import EXAMPLES

    out = home / "letter.pdf"
    code, _, err = run(capsys, "render", str(EXAMPLES / "case-es.yaml"), "-o", str(out))
    assert code == 0 and "commercial_es rate for 2026-H1 is derived" in err and out.exists()
    code, _, err = run(capsys, "render", str(EXAMPLES / "case-es.yaml"), "--strict", "-o", str(home / "no.pdf"))
    assert code == 2 and "error: --strict:" in err and not (home / "no.pdf").exists()


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
