"""`rates update` writes under $CORRESPONDENCE_HOME, so every folder renders with the rates it loaded."""
from __future__ import annotations

from pathlib import Path

import pytest

from correspondence.cli.app import main
from correspondence.figures.rates import COLUMNS
from tests.casedata import EXAMPLES
from tests.textutil import pdf_flat

ROW_2027 = ("commercial_it,2027-H1,2027-01-01,2027-06-30,2.40,8.00,10.40,"
            "\"Comunicato MEF, GU n. 12 of 16/01/2027\",verified")


def test_a_rate_added_in_one_folder_is_used_when_rendering_from_another(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CORRESPONDENCE_DATA_DIR", raising=False)
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    rows = first / "rows.csv"
    rows.write_text(f"{','.join(COLUMNS)}\n{ROW_2027}\n", encoding="utf-8")
    render = ["render", str(EXAMPLES / "case-it.yaml"), "--date", "2027-02-15", "-o", str(second / "letter.pdf")]

    monkeypatch.chdir(second)
    assert main(render) == 2
    assert "no commercial_it rate for period 2027-H1" in capsys.readouterr().err

    monkeypatch.chdir(first)
    assert main(["rates", "update", "--file", str(rows)]) == 0
    assert (tmp_path / "home" / "data" / "rates" / "commercial_it.csv").is_file()
    assert not (first / "var").exists()

    monkeypatch.chdir(second)
    assert main(render) == 0, capsys.readouterr().err
    assert "15 febbraio 2027" in pdf_flat((second / "letter.pdf").read_bytes())
