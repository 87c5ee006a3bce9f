"""The render command: overrides, outputs, and exit code 2 with the field named for bad input."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from correspondence.cli.app import main
from tests.casedata import EXAMPLES, example
from tests.textutil import docx_text, pdf_flat


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(json.loads(json.dumps(data, default=str)), allow_unicode=True))
    return path


def test_render_pdf_and_docx_with_overrides(tmp_path, capsys):
    pdf, docx_ = tmp_path / "out" / "diffida.pdf", tmp_path / "out" / "sollecito.docx"
    assert main(["render", str(EXAMPLES / "case-it.yaml"), "--kind", "legal_notice", "--tone", "firm",
                 "--format", "pdf", "-o", str(pdf)]) == 0
    assert main(["render", str(EXAMPLES / "case-it.yaml"), "--kind", "first_demand", "--tone", "courteous",
                 "--format", "docx", "-o", str(docx_)]) == 0
    assert "Diffida" in pdf_flat(pdf.read_bytes()) or "diffida" in pdf_flat(pdf.read_bytes()).lower()
    assert "Bianchi S.p.A." in docx_text(docx_.read_bytes())


def test_command_line_overrides_the_case_file(tmp_path):
    out = tmp_path / "l.pdf"
    assert main(["render", str(EXAMPLES / "case-it.yaml"), "--date", "2026-12-01", "--deadline-days", "7",
                 "-o", str(out)]) == 0
    text = pdf_flat(out.read_bytes())
    assert "1° dicembre 2026" in text


@pytest.mark.parametrize(("change", "field"), [
    ({"debtor": None}, "debtor"),
    ({"claim__invoices": [{"number": "1", "issue_date": "2026-01-01", "due_date": "2026-02-01", "amount": "-10.00"}]},
     "claim.invoices.0"),
    ({"debtor__tax_id": "RSSMRA85T10A562X"}, "debtor.tax_id"),
    ({"debtor__tax_id": "12345678A", "language": "es"}, "debtor.tax_id"),
    ({"kind": "apology_letter"}, "kind"),
    ({"claim__invoices": [{"number": "1", "issue_date": "2026-11-01", "due_date": "2026-12-31", "amount": "10.00"}]},
     "claim.invoices"),
    ({"creditor__iban": "IT60X0542811101000000123457"}, "creditor.iban"),
    ({"debtor__address__postal_code": "2012"}, "debtor.address.postal_code"),
    ({"debtor__address__province": "XX"}, "debtor.address.province"),
    ({"debtor__pec": "not-an-address"}, "debtor.pec"),
    ({"claim__invoices": [{"number": "1", "issue_date": "2026-01-01", "due_date": "2026-02-01", "amount": "12,50"}]},
     "claim.invoices.0.amount"),
])
def test_bad_input_exits_2_naming_the_field(tmp_path, capsys, change, field):
    data = example("it", **{k: v for k, v in change.items()})
    if change.get("debtor", "") is None:
        del data["debtor"]
    out = tmp_path / "x.pdf"
    code = main(["render", str(_write(tmp_path, data)), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"error: {field}" in err, err
    assert "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".x.pdf.*"))


def test_unknown_kind_on_the_command_line_exits_2(tmp_path, capsys):
    code = main(["render", str(EXAMPLES / "case-it.yaml"), "--kind", "nope", "-o", str(tmp_path / "x.pdf")])
    assert code == 2
    assert "kind" in capsys.readouterr().err


def test_missing_case_file_exits_2(tmp_path, capsys):
    assert main(["render", str(tmp_path / "missing.yaml"), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "case_file" in capsys.readouterr().err


def test_real_process_exit_code_and_no_traceback(tmp_path):
    bad = _write(tmp_path, example("it", debtor__tax_id="BADBADBAD"))
    proc = subprocess.run([sys.executable, "-m", "correspondence", "render", str(bad), "-o", str(tmp_path / "x.pdf")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "debtor.tax_id" in proc.stderr and "Traceback" not in proc.stderr


def test_templates_and_schema_commands(tmp_path, capsys):
    assert main(["templates"]) == 0
    out = capsys.readouterr().out
    for word in ("first_demand", "second_demand", "legal_notice", "uncollectability_report", "it", "es", "stern",
                 "condominium"):
        assert word in out
    assert main(["schema", "-o", str(tmp_path / "schema.json")]) == 0
    schema = json.loads((tmp_path / "schema.json").read_text())
    assert {"creditor", "debtor", "claim", "language"} <= set(schema["properties"])


def test_exit_codes_raised_by_commands_reach_the_caller():
    import typer

    from correspondence.cli.app import app

    @app.command("exit-probe", hidden=True)
    def probe() -> None:
        raise typer.Exit(3)

    try:
        assert main(["exit-probe"]) == 3
    finally:
        app.registered_commands[:] = [c for c in app.registered_commands if c.name != "exit-probe"]


def test_render_warns_when_the_credit_is_about_to_prescribe(tmp_path, capsys):
    # consumer electricity bill due 10 Dec 2024: two-year prescription (L. 205/2017) ends 10 Dec 2026
    data = example("it", kind="first_demand", credit_type="utilities", debtor__type="consumer",
                   debtor__tax_id="RSSMRA85T10A562S", claim__payments=[],
                   claim__invoices=[{"number": "B-1", "issue_date": "2024-11-20", "due_date": "2024-12-10",
                                     "amount": "180.00"}])
    assert main(["render", str(_write(tmp_path, data)), "-o", str(tmp_path / "x.pdf")]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "B-1 prescribes on 2026-12-10" in err


def test_error_text_is_printed_verbatim_not_as_markup(tmp_path, capsys):
    data = example("it")
    data["claim"]["invoices"][0]["amount"] = "[bold]12,50[/bold]"
    assert main(["render", str(_write(tmp_path, data)), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "'[bold]12,50[/bold]' is not a decimal amount" in capsys.readouterr().err
