"""The real server: `correspondence apikey create` and `correspondence serve` (uvicorn) in subprocesses."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from correspondence.cli.app import main
from tests.ports import free_port
from tests.processes import wait_healthy

ROOT = Path(__file__).resolve().parents[2]


def test_apikey_create_prints_the_key_once(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path))
    monkeypatch.delenv("CORRESPONDENCE_DATABASE_URL", raising=False)
    assert main(["apikey", "create", "--tenant", "Studio Verdi"]) == 0
    out, err = capsys.readouterr()
    key = out.strip()
    assert key.startswith("ck_") and len(key) == 3 + 12 + 1 + 43
    assert "Studio Verdi" in err and key not in err
    db = (tmp_path / "correspondence.sqlite3").read_bytes()
    assert key.split("_", 2)[2].encode() not in db  # only the hash is stored
    assert main(["apikey", "create", "--tenant", "bad;name"]) == 2


def test_serve_answers_over_http(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path))
    monkeypatch.delenv("CORRESPONDENCE_DATABASE_URL", raising=False)
    assert main(["apikey", "create", "--tenant", "t1"]) == 0
    token = capsys.readouterr().out.strip()
    env = {**os.environ, "CORRESPONDENCE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    code = "import sys; from correspondence.cli.app import main; sys.exit(main(sys.argv[1:]))"
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", "--port", str(port), "--log-level", "warning"],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        if not wait_healthy(base, proc):
            raise AssertionError(proc.stderr.read().decode() if proc.poll() is not None else "server did not start")
        assert httpx.get(f"{base}/v1/cases").status_code == 401
        r = httpx.get(f"{base}/v1/cases", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json() == []
        assert httpx.get(f"{base}/openapi.json").json()["info"]["title"] == "correspondence"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
