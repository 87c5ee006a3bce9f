"""`correspondence case report ID`: the dossier from the embedded store; bad input exits 2 naming the option."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from correspondence.cli.app import main
from tests.casedata import example
from tests.textutil import docx_text, pdf_text


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CORRESPONDENCE_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def test_case_report_writes_pdf_and_docx(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case_file = home / "case.yaml"
    case_file.write_text(yaml.safe_dump(example("es", kind="legal_notice"), allow_unicode=True))
    assert main(["case", "add", str(case_file)]) == 0
    case_id = capsys.readouterr().out.strip()
    pdf, docx = home / "informe.pdf", home / "informe.docx"
    assert main(["case", "report", case_id, "--date", "2026-11-30", "--year-end", "2026-12-31", "-o", str(pdf)]) == 0
    assert "0 annexes" in capsys.readouterr().out
    text = pdf_text(pdf.read_bytes())
    assert "a la fecha de devengo del 31 de diciembre de 2026" in text and "No se acompañan anexos" in text
    assert main(["case", "report", case_id, "--date", "2026-11-30", "-o", str(docx)]) == 0
    assert "Antigüedad de seis meses (art. 13.1.a)" in docx_text(docx.read_bytes())
    assert main(["case", "report", case_id, "--year-end", "31-12-2026", "-o", str(pdf)]) == 2
    assert "--year-end" in capsys.readouterr().err
