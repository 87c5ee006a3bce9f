"""Campaign test data: the template export with a fixed letter date, and Spanish exports as they come."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import yaml

from correspondence.campaign import write_template

LETTER_DATE = "2026-11-23"


def template(folder: Path) -> Path:
    """`batch-template` output, with the letter date fixed so the figures can be computed by hand."""
    write_template(folder)
    mapping = yaml.safe_load((folder / "mapping.yaml").read_text(encoding="utf-8"))
    mapping["defaults"]["date"] = LETTER_DATE
    (folder / "mapping.yaml").write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return folder


ES_MAPPING = {
    "columns": {"debtor.name": "Cliente", "debtor.tax_id": "NIF", "debtor.address.street": "Dirección",
                "debtor.address.postal_code": "C.P.", "debtor.address.city": "Población",
                "debtor.address.province": "Provincia", "invoice.number": "Factura",
                "invoice.issue_date": "Fecha", "invoice.due_date": "Vencimiento", "invoice.amount": "Importe"},
    "decimal": ",", "date_format": "%d/%m/%Y",
    "defaults": {"language": "es", "place": "Madrid", "date": LETTER_DATE,
                 "creditor": {"name": "Distribuciones Eléctricas Diagonal, S.L.", "tax_id": "B58378431",
                              "address": {"street": "Avinguda Diagonal 640", "postal_code": "08017",
                                          "city": "Barcelona", "province": "Barcelona", "country": "ES"}},
                 "debtor": {"address": {"country": "ES"}},
                 "signatory": {"name": "Elena Martín Ortega"}},
}

ES_HEADER = "Cliente;NIF;Dirección;C.P.;Población;Provincia;Factura;Fecha;Vencimiento;Importe"
ES_ROWS = [
    "Construcciones Alcalá Norte, S.A.;A28015865;Calle de Alcalá 215;28028;Madrid;Madrid;F-101;02/03/2026;01/04/2026;1.250,00",
    "Construcciones Alcalá Norte, S.A.;A28015865;Calle de Alcalá 215;28028;Madrid;Madrid;F-155;15/04/2026;15/05/2026;38,18",
    "Peñalara Logística, S.L.;B86561412;Calle de Serrano 41;28001;Madrid;Madrid;F-210;01/06/2026;01/07/2026;605,00",
]


def spanish_export(folder: Path, rows: list[str] | None = None, *, encoding: str = "latin-1",
                   bom: bool = False) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    text = "\r\n".join([ES_HEADER, *(ES_ROWS if rows is None else rows)]) + "\r\n"
    data = text.encode(encoding)
    source = folder / "clientes.csv"
    source.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    mapping = folder / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(ES_MAPPING, allow_unicode=True), encoding="utf-8")
    return source, mapping


def interrupt_batch(cmd: list[str], env: dict[str, str], out: Path) -> tuple[list[dict[str, Any]], float]:
    """Run a `batch` command, press Ctrl-C (SIGINT to its process group, as a terminal does) once two letters
    are journaled; check it stopped cleanly (exit 130, no traceback, an incomplete manifest). Returns the
    cases done and the seconds from Ctrl-C to exit."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    wait_for_journal(proc, out, 2)
    stopped = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    _stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["summary"]["complete"] is False
    return [c for c in manifest["cases"] if c["status"] == "done"], time.monotonic() - stopped


def wait_for_journal(proc: subprocess.Popen, out: Path, lines: int, timeout: float = 120) -> None:
    """Wait until the running campaign `proc` has journaled `lines` letters in `out` (or has ended)."""
    from correspondence.campaign.resume import JOURNAL

    journal = out / JOURNAL
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and len(journal.read_text(encoding="utf-8").splitlines()) >= lines:
            return
        time.sleep(0.02)
