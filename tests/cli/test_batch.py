"""Batch production on a process pool: every good case produced and signed, bad ones reported, no leftovers."""
from __future__ import annotations

import json
import shutil

import pytest
import yaml

from correspondence.batch import BatchSigning, run_batch
from correspondence.sign import KeyRecipe
from correspondence.cli.app import main
from correspondence.errors import InputError
from correspondence.sign import ensure_demo_signer, verify_pdf
from tests.casedata import EXAMPLES, example
from tests.textutil import docx_text, pdf_flat


@pytest.fixture()
def cases(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    for i in range(3):
        shutil.copy(EXAMPLES / "case-it.yaml", folder / f"it-{i}.yaml")
        shutil.copy(EXAMPLES / "case-es.yaml", folder / f"es-{i}.yaml")
    bad = example("it", debtor__tax_id="IT00743110158")
    (folder / "bad.yaml").write_text(yaml.safe_dump(json.loads(json.dumps(bad, default=str)), allow_unicode=True))
    return sorted(folder.glob("*.yaml"))


def test_pool_produces_signs_and_reports_bad_cases(cases, tmp_path):
    p12, password, ca = ensure_demo_signer(tmp_path / "certs")
    out = tmp_path / "out"
    seen = []
    results = run_batch(cases, out, formats=("pdf", "docx"), signing=BatchSigning(KeyRecipe(p12=p12, password=password)),
                        workers=2, on_result=seen.append)
    assert [r.source for r in results] == cases and len(seen) == len(cases)
    [bad] = [r for r in results if not r.ok]
    assert bad.source.name == "bad.yaml" and bad.error.startswith("debtor.tax_id:")
    assert not list(out.glob("bad*"))
    for result in results:
        if result.ok:
            signed, docx_ = result.outputs
            assert signed.name == f"{result.source.stem}.signed.pdf" and docx_.suffix == ".docx"
            report = verify_pdf(signed.read_bytes(), [ca], allow_fetching=False)
            assert report.valid, report.all_problems()
    assert "Bianchi S.p.A." in pdf_flat((out / "it-0.signed.pdf").read_bytes())
    assert "Construcciones Alcalá Norte, S.A." in docx_text((out / "es-2.docx").read_bytes())


def test_same_output_names_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = tmp_path / "a" / "case.yaml", tmp_path / "b" / "case.yaml"
    with pytest.raises(InputError) as err:
        run_batch([one, two], tmp_path / "out")
    assert err.value.field == "case_files"


def test_cli_exit_2_for_bad_cases_and_for_a_wrong_password(cases, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    assert main(["batch", *map(str, cases), "-o", str(tmp_path / "out"), "--workers", "1"]) == 2
    captured = capsys.readouterr()
    assert "6 of 7 cases" in captured.out and "bad.yaml: debtor.tax_id" in captured.err
    p12, _password, _ca = ensure_demo_signer(tmp_path / "certs")
    wrong = tmp_path / "pw.txt"
    wrong.write_text("wrong\n")
    out = tmp_path / "signed"
    assert main(["batch", str(cases[0]), "-o", str(out), "--p12", str(p12), "--p12-password-file", str(wrong)]) == 2
    assert "password" in capsys.readouterr().err.lower() and not out.exists()
