"""An API batch survives its server (issue 19): `correspondence serve` killed with SIGKILL in the middle of a
campaign, started again, finishes the job from its journal; every row accounted for, each letter made and
registered once, the archive complete."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx

from correspondence.campaign.resume import JOURNAL
from correspondence.cli.app import main
from tests.campaign.helpers import spanish_export
from tests.campaign.test_run import _many_rows
from tests.ports import free_port
from tests.processes import wait_healthy

ROOT = Path(__file__).resolve().parents[2]
ROWS = 12


def _serve(env: dict[str, str], port: int) -> subprocess.Popen:
    code = "import sys; from correspondence.cli.app import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", "--port", str(port), "--log-level", "warning",
                             "--background-every", "0"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    if wait_healthy(f"http://127.0.0.1:{port}", proc, timeout=60):
        return proc
    if proc.poll() is not None:
        raise AssertionError(proc.stderr.read().decode() if proc.stderr else "server exited")
    raise AssertionError("server did not start")


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_a_batch_killed_with_its_server_resumes_when_the_server_starts_again(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(home))
    monkeypatch.delenv("CORRESPONDENCE_DATABASE_URL", raising=False)
    assert main(["apikey", "create", "--tenant", "t1"]) == 0
    auth = {"Authorization": f"Bearer {capsys.readouterr().out.strip()}"}
    env = {k: v for k, v in os.environ.items() if k not in ("CORRESPONDENCE_BROKER_URL", "CORRESPONDENCE_DATABASE_URL")}
    env.update(CORRESPONDENCE_HOME=str(home), CORRESPONDENCE_BATCH_WORKERS="1", PYTHONPATH=str(ROOT))
    source, mapping = spanish_export(tmp_path / "in", _many_rows(ROWS))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(env, port)
    try:
        r = httpx.post(f"{base}/v1/batches", headers=auth, timeout=60,
                       files={"sheet": ("clientes.csv", source.read_bytes()), "mapping": ("m.yaml", mapping.read_bytes())})
        assert r.status_code == 202, r.text
        batch_id = r.json()["id"]
        [folder] = list(home.glob(f"batches/*/{batch_id}"))
        journal = folder / "out" / JOURNAL
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(journal.read_text().splitlines() if journal.exists() else []) < 2:
            time.sleep(0.02)
        _kill(server)  # mid-campaign: the job's thread dies with the server
        finished = len(journal.read_text().splitlines())
        assert 2 <= finished < ROWS
        assert json.loads((folder / "status.json").read_text())["status"] == "running"
        server = _serve(env, port)  # the new server resumes the job on start
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            status = httpx.get(f"{base}/v1/batches/{batch_id}", headers=auth, timeout=10).json()
            if status["status"] != "running":
                break
            time.sleep(0.2)
        assert status["status"] == "done", status
        assert (status["done"], status["failed"], status["total"], status["resumed"]) == (ROWS, 0, ROWS, 1)
        assert len(status["cases_out"]) == ROWS and all(c["status"] == "done" for c in status["cases_out"])
        lines = [json.loads(x)["case"] for x in journal.read_text().splitlines()]
        assert len(lines) == ROWS == len(set(lines))  # no finished case redone, none twice
        archive = zipfile.ZipFile(io.BytesIO(httpx.get(f"{base}/v1/batches/{batch_id}/archive", headers=auth,
                                                       timeout=30).content))
        pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
        assert len(pdfs) == ROWS and {"manifest.csv", "manifest.json"} <= set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["summary"]["done"] == ROWS and manifest["summary"]["complete"]
        assert sorted(c["case"] for c in manifest["cases"]) == sorted(lines)
        # the store holds each case once and each letter once, and the archive has the stored bytes
        cases = httpx.get(f"{base}/v1/cases", headers=auth, params={"limit": 100}, timeout=10).json()
        assert len(cases) == ROWS
        docs = [d for c in cases for d in httpx.get(f"{base}/v1/cases/{c['id']}/documents", headers=auth,
                                                     timeout=10).json()]
        assert len(docs) == ROWS and len({d["sha256"] for d in docs}) == ROWS
        by_id = {d["id"]: d for d in docs}
        for case in manifest["cases"]:
            [doc_id] = case["document_ids"]
            assert by_id[doc_id]["sha256"] == case["files"][0]["sha256"]
    finally:
        _kill(server)
