"""A campaign through the HTTP API, end to end: `correspondence serve` in a subprocess, the export uploaded to
`POST /v1/batches`, followed with `GET /v1/batches/{id}` until done, then every row accounted for (each case
done with one registered document, the archive with one letter per case and the manifest).

    .venv/bin/python bench/api_campaign.py [--letters 2000] [--sign] [--broker redis://... --celery-workers 2]

The same export as `bench/campaign.py` (one-page Spanish first demands). Without `--broker` the server runs
the batch on its local pool (`CORRESPONDENCE_BATCH_WORKERS`, default the CPUs); with it, on Celery workers
started here. The store is the embedded SQLite database under a temporary home (or
`CORRESPONDENCE_DATABASE_URL` if set). Figures are one run's wall clock; compare on a quiet machine only.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.campaign import export  # noqa: E402
from tests.ports import free_port  # noqa: E402
from tests.processes import stop_group, wait_healthy  # noqa: E402


def _start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "correspondence", *cmd], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def run(letters: int, sign: bool, broker: str | None, celery_workers: int, batch_workers: int | None) -> dict:
    home = Path(tempfile.mkdtemp(prefix="bench-api-campaign-"))
    env = {k: v for k, v in os.environ.items() if k != "CORRESPONDENCE_BROKER_URL"}
    env.update(CORRESPONDENCE_HOME=str(home), PYTHONPATH=str(ROOT))
    if batch_workers:
        env["CORRESPONDENCE_BATCH_WORKERS"] = str(batch_workers)
    if broker:
        env.update(CORRESPONDENCE_BROKER_URL=broker, CORRESPONDENCE_QUEUE=f"bench-api-{uuid.uuid4().hex[:8]}")
    if env.get("CORRESPONDENCE_DATABASE_URL"):  # a server database: its schema first (SQLite makes its own)
        subprocess.run([sys.executable, "-m", "correspondence", "db", "upgrade"], env=env, check=True,
                       capture_output=True)
    key = subprocess.run([sys.executable, "-m", "correspondence", "apikey", "create", "--tenant", "bench"], env=env,
                         check=True, capture_output=True, text=True).stdout.strip()
    auth = {"Authorization": f"Bearer {key}"}
    source, mapping = export(home / "in", letters)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    procs = [_start(["serve", "--port", str(port), "--log-level", "warning", "--background-every", "0"], env)]
    procs += [_start(["worker"], env) for _ in range(celery_workers if broker else 0)]
    try:
        if not wait_healthy(base, procs[0], timeout=120):
            raise SystemExit("the server did not start")
        started = time.perf_counter()
        r = httpx.post(f"{base}/v1/batches", headers=auth, timeout=600,
                       data={"sign": "true"} if sign else {},
                       files={"sheet": ("clientes.csv", source.read_bytes()), "mapping": ("m.yaml", mapping.read_bytes())})
        r.raise_for_status()
        batch_id = r.json()["id"]
        accepted = time.perf_counter() - started
        while True:
            status = httpx.get(f"{base}/v1/batches/{batch_id}", headers=auth, timeout=60).json()
            if status["status"] != "running":
                break
            time.sleep(1)
        elapsed = time.perf_counter() - started
        archive = zipfile.ZipFile(io.BytesIO(httpx.get(f"{base}/v1/batches/{batch_id}/archive", headers=auth,
                                                       timeout=600).content))
    finally:
        for proc in procs:
            stop_group(proc)
    names = archive.namelist()
    manifest = json.loads(archive.read("manifest.json"))
    cases_out = status.get("cases_out", [])
    documents = [d for c in cases_out for d in c["documents"]]
    return {
        "letters": letters, "status": status["status"], "done": status["done"], "failed": status["failed"],
        "invalid": status["invalid"], "total": status["total"], "accepted_s": round(accepted, 1),
        "elapsed_s": round(elapsed, 1), "rate": round(status["done"] / elapsed, 2),
        "cases_out": len(cases_out), "cases_done": sum(c["status"] == "done" for c in cases_out),
        "distinct_documents": len(set(documents)), "archive_pdfs": sum(n.endswith(".pdf") for n in names),
        "manifest_cases": len(manifest["cases"]), "manifest_done": manifest["summary"]["done"],
        "every_row_accounted": (status["status"] == "done" and status["done"] == letters == len(set(documents))
                                == sum(n.endswith(".pdf") for n in names) == manifest["summary"]["done"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=2000)
    parser.add_argument("--sign", action="store_true", help="sign every letter B-B (the server's key)")
    parser.add_argument("--broker", default=None, help="run the batch on Celery workers on this broker")
    parser.add_argument("--celery-workers", type=int, default=2)
    parser.add_argument("--batch-workers", type=int, default=None, help="local pool size (default the CPUs)")
    args = parser.parse_args()
    load = os.getloadavg()
    result = run(args.letters, args.sign, args.broker, args.celery_workers, args.batch_workers)
    print(json.dumps({**result, "signed": args.sign, "broker": args.broker,
                      "load_before": [round(x, 1) for x in load],
                      "load_after": [round(x, 1) for x in os.getloadavg()]}, indent=2))


if __name__ == "__main__":
    main()
