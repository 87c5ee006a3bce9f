"""`correspondence batch EXPORT --mapping`: the template renders as it is, with a manifest whose figures and
hashes are checked; invalid rows stop the run unless skipped; a run killed with SIGKILL resumes."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
from decimal import Decimal

from correspondence.campaign.resume import JOURNAL
from correspondence.cli.app import main
from correspondence.sign import ensure_demo_signer, verify_pdf
from tests.campaign.helpers import ES_ROWS, interrupt_batch, spanish_export, template, wait_for_journal
from tests.textutil import pdf_flat


def test_template_renders_as_it_is_with_manifest(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    folder = template(tmp_path / "tpl")
    out = tmp_path / "out"
    assert main(["batch", str(folder / "debtors.csv"), "--mapping", str(folder / "mapping.yaml"),
                 "--kind", "first_demand", "-o", str(out), "--format", "pdf", "--format", "docx", "--workers", "1"]) == 0
    assert "3 of 3 cases done" in capsys.readouterr().out
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == ["IT00743110157.docx", "IT00743110157.pdf", "IT01234560017.docx", "IT01234560017.pdf",
                     "RSSMRA85T10A562S.docx", "RSSMRA85T10A562S.pdf", "manifest.csv", "manifest.json"]
    text = pdf_flat((out / "IT00743110157.pdf").read_bytes())
    assert "Bianchi S.p.A." in text and "2026/101" in text and "2026/144" in text  # both rows in one letter
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["summary"]["complete"] and manifest["summary"]["done"] == 3
    by_case = {c["case"]: c for c in manifest["cases"]}
    for case in by_case.values():
        for f in case["files"]:
            assert hashlib.sha256((out / f["name"]).read_bytes()).hexdigest() == f["sha256"]
    verdi = by_case["IT01234560017"]
    # 980.00 due 14/04/2026, letter of 23/11/2026: 10.15 % for 77 days of 2026-H1, 10.40 % for 146 days of H2
    # (D.Lgs. 231/2002 art. 5), 40 EUR flat compensation (art. 6)
    interest = (Decimal("980") * Decimal("0.1015") * 77 / 365).quantize(Decimal("0.01")) + \
        (Decimal("980") * Decimal("0.1040") * 146 / 365).quantize(Decimal("0.01"))
    assert (verdi["principal"], verdi["interest"], verdi["compensation"]) == ("980.00", str(interest), "40.00")
    assert Decimal(verdi["total"]) == Decimal("980.00") + interest + Decimal("40.00")
    assert verdi["source_lines"] == [4] and by_case["IT00743110157"]["source_lines"] == [2, 3]
    assert by_case["RSSMRA85T10A562S"]["compensation"] == "0.00"  # a consumer owes no flat compensation
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["file"] for r in rows} == {f["name"] for c in manifest["cases"] for f in c["files"]}
    assert all(len(r["sha256"]) == 64 for r in rows)


def test_xlsx_export_signed_on_a_pool(tmp_path, monkeypatch):
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    folder = template(tmp_path / "tpl")
    p12, password, ca = ensure_demo_signer(tmp_path / "certs")
    (tmp_path / "pw").write_text(password)
    out = tmp_path / "out"
    assert main(["batch", str(folder / "debtors.xlsx"), "--mapping", str(folder / "mapping.yaml"), "-o", str(out),
                 "--kind", "legal_notice", "--p12", str(p12), "--p12-password-file", str(tmp_path / "pw"),
                 "--workers", "2"]) == 0
    signed = sorted(out.glob("*.signed.pdf"))
    assert len(signed) == 3
    for path in signed:
        assert verify_pdf(path.read_bytes(), [ca], allow_fetching=False).valid
    assert "Verdi Costruzioni S.r.l." in pdf_flat((out / "IT01234560017.signed.pdf").read_bytes())


def test_invalid_rows_render_nothing_unless_skipped(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    rows = [ES_ROWS[0], ES_ROWS[1].replace("38,18", "treinta"), ES_ROWS[2]]
    source, mapping = spanish_export(tmp_path / "in", rows)
    out = tmp_path / "out"
    args = ["batch", str(source), "--mapping", str(mapping), "-o", str(out), "--workers", "1"]
    assert main(args) == 2
    assert "error: line 3, Importe: 'treinta' is not an amount" in capsys.readouterr().err
    assert not out.exists()
    assert main([*args, "--skip-invalid"]) == 0
    assert sorted(p.name for p in out.glob("*.pdf")) == ["B86561412.pdf"]  # the whole Alcalá case is left out
    with open(out / "errors.csv", encoding="utf-8-sig", newline="") as f:
        [row] = list(csv.DictReader(f))
    assert (row["line"], row["column"]) == ("3", "Importe") and "treinta" in row["reason"]
    cases = {c["case"]: c for c in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["cases"]}
    assert cases["A28015865"]["status"] == "invalid" and cases["A28015865"]["source_lines"] == [2, 3]


def _many_rows(n: int) -> list[str]:
    """n debtors with valid DNIs (the check letter is the number mod 23)."""
    letters = "TRWAGMYFPDXBNJZSQVHLCKE"
    rows = []
    for i in range(n):
        number = 10000000 + i
        rows.append(f"Deudor {i}, S.L.;{number}{letters[number % 23]};Calle Mayor {i + 1};28013;Madrid;Madrid;"
                    f"F-{i};02/03/2026;01/04/2026;{100 + i},00")
    return rows


def test_a_run_killed_with_sigkill_resumes_without_redoing_finished_cases(tmp_path):
    source, mapping = spanish_export(tmp_path / "in", _many_rows(14))
    out = tmp_path / "out"
    env = {**os.environ, "CORRESPONDENCE_HOME": str(tmp_path / "home")}
    cmd = [sys.executable, "-m", "correspondence", "batch", str(source), "--mapping", str(mapping), "-o", str(out),
           "--workers", "1", "--sign"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    wait_for_journal(proc, out, 3)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = {json.loads(line)["case"] for line in (out / JOURNAL).read_text(encoding="utf-8").splitlines()}
    assert 3 <= len(finished) < 14 and not (out / "manifest.json").exists()
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(finished)} from an earlier run" in rerun.stdout
    for name, mtime in before.items():
        if name.removesuffix(".signed.pdf") in finished:
            assert (out / name).stat().st_mtime_ns == mtime, f"{name} was redone"
    assert not list(out.glob(".*.part"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["summary"]["done"] == 14 and len(manifest["cases"]) == 14
    for case in manifest["cases"]:
        [f] = case["files"]
        assert hashlib.sha256((out / f["name"]).read_bytes()).hexdigest() == f["sha256"]
    assert len(list(out.glob("*.signed.pdf"))) == 14


def test_ctrl_c_finishes_the_letters_in_flight_and_writes_the_manifest(tmp_path):
    source, mapping = spanish_export(tmp_path / "in", _many_rows(30))
    out = tmp_path / "out"
    env = {**os.environ, "CORRESPONDENCE_HOME": str(tmp_path / "home")}
    cmd = [sys.executable, "-m", "correspondence", "batch", str(source), "--mapping", str(mapping), "-o", str(out),
           "--workers", "2"]
    done, _seconds = interrupt_batch(cmd, env, out)
    assert 2 <= len(done) < 30
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted(c["files"][0]["name"] for c in done)
    assert not list(out.glob(".*.part"))
