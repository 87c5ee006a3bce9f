"""`correspondence interest` and `correspondence rates` through the real CLI entry point."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from correspondence.cli.app import main
from correspondence.figures.rates import COLUMNS
from tests.figures.figcases import case_data, inv


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    # Same invoice as the three-half-year test: interest 73.12, compensation 40.00, total 1113.12.
    path = tmp_path / "case.yaml"
    data = case_data("it", date="2026-02-15", invoices=[inv("2025/77", "2025-05-31", "1000.00")])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_interest_table(case_file: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["interest", str(case_file)]) == 0
    out = capsys.readouterr().out
    for text in ("2025/77", "2025-06-01 – 2025-06-30", "11.15", "9.16", "51.17", "12.79", "73.12", "1113.12",
                 "ACT/365", "ROUND_HALF_UP", "GU n. 63 of 17/03/2025", "D.Lgs. 231/2002 art. 6 c.2"):
        assert text in out, text


def test_interest_json(case_file: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["interest", str(case_file), "--json", "--at", "2026-02-15"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_due"] == "1113.12" and data["interest"] == "73.12" and data["law"] == "IT_DLGS_231_2002"
    assert [p["interest"] for p in data["invoices"][0]["periods"]] == ["9.16", "51.17", "12.79"]
    assert data["invoices"][0]["periods"][0]["rate"] == "11.15" and data["day_count"] == "ACT/365"
    assert data["prescription"]["date"] == "2035-05-31" and data["prescription"]["may_threaten_action"] is True


@pytest.mark.parametrize("args,needle", [
    (["interest", "{dir}/missing.yaml"], "case_file"),
    (["interest", "{dir}/bad.yaml"], "case_file"),
    (["interest", "{case}", "--at", "15/02/2026"], "at:"),
    (["interest", "{case}", "--at", "2027-03-01"], "2027-H1"),
])
def test_interest_errors_exit_2(args, needle, case_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "bad.yaml").write_text("language: [unclosed\n", encoding="utf-8")
    argv = [a.format(dir=tmp_path, case=case_file) for a in args]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert needle in captured.err and "Traceback" not in captured.err + captured.out


def test_prescription_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "old.yaml"
    data = case_data("it", date="2026-03-31", credit_type="professional_fees",
                     invoices=[inv("P", "2023-05-31", "500.00")])
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["interest", str(path), "--json"]) == 0
    err = capsys.readouterr().err
    assert "prescribes on 2026-05-31" in err and "61 days" in err


def test_rates_list_and_update(tmp_path: Path, capsys: pytest.CaptureFixture[str], case_file: Path):
    assert main(["rates"]) == 0
    out = capsys.readouterr().out
    assert "commercial_it" in out and "legal_es" in out and "2013-H1b" in out and "⚠ unverified" in out
    new = tmp_path / "new.csv"
    new.write_text(",".join(COLUMNS) + "\nlegal_it,2027,2027-01-01,2027-12-31,,,1.50,\"DM MEF 10/12/2026\",verified\n",
                   encoding="utf-8")
    assert main(["rates", "update", "--file", str(new)]) == 0
    assert "legal_it: 1 user row(s) stored" in capsys.readouterr().out
    assert main(["rates", "--table", "legal_it"]) == 0
    assert "verified (user)" in capsys.readouterr().out


def test_rates_update_bad_row_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(COLUMNS) + "\nlegal_it,2027,2027-01-01,2027-12-31,,,-1,src,verified\n", encoding="utf-8")
    assert main(["rates", "update", "--file", str(bad)]) == 2
    assert "bad.csv:line 2.rate" in capsys.readouterr().err
    assert main(["rates", "update", "--file", str(tmp_path / "nope.csv")]) == 2
    assert main(["rates", "--table", "nope"]) == 2
