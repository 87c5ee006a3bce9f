"""HTTP API throughput under concurrent load on loopback: dispatch reads and receipt uploads.

Starts `uvicorn --factory api.app:create_app` in a subprocess on a fresh store (SQLite file by default,
or a fresh PostgreSQL database with --backend postgresql), seeds one tenant with cases, documents and
dispatches, then drives it with an httpx + asyncio load generator (N concurrent connections) for a fixed
time per scenario. Each scenario runs --runs times; the median requests/s and latencies are printed.

    .venv/bin/python bench/api.py                      # SQLite, 1 worker, 32 connections, 3 x 8 s
    .venv/bin/python bench/api.py --backend postgresql --workers 2
    .venv/bin/python bench/api.py --tool wrk              # wrk (apt install wrk) as load generator

Scenarios: `read` = GET /v1/dispatches/{id} (replay of 4 events, legal effect, deadline);
`upload` = POST a new 2 KB PDF scan to /v1/dispatches/{id}/receipts (blob write + locked insert);
`pec` = POST the same signed Aruba receipt again (MIME parse + S/MIME check + idempotent lookup, 200).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.ports import free_port  # noqa: E402
from tests.processes import wait_healthy  # noqa: E402

PEC = ROOT / "tests/api/fixtures/pec"
ACCETTAZIONE = PEC / "seedoo__accettazione__accettazione__aruba-2021.eml"
MSGID = "<R43XS7$8A2B712B1EC45527B69E94AB60B8CA07@pec.it>"


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "correspondence.api.app:create_app", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    if wait_healthy(f"http://127.0.0.1:{port}", proc, timeout=60):
        return proc
    proc.kill()
    raise SystemExit("server did not start")


def seed(base: str, key: str, n: int) -> dict[str, list[str]]:
    from tests.casedata import example

    import json

    h = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, headers=h, timeout=30) as c:
        case = c.post("/v1/cases", json=json.loads(json.dumps(example("it"), default=str))).json()
        dispatches = []
        for i in range(n):
            pdf = b"%PDF-1.4\n% bench " + str(i).encode() + b"\n%%EOF\n"
            doc = c.post("/v1/documents", files={"file": ("l.pdf", pdf, "application/pdf")},
                         data={"case_id": case["id"]}).json()
            d = c.post("/v1/dispatches", json={"case_id": case["id"], "document_id": doc["id"],
                                               "channel": "raccomandata_ar", "recipient": "Via Roma 1"}).json()
            for etype, at in (("accepted", "2026-03-02T10:00:00+01:00"), ("in_transit", "2026-03-03T08:00:00+01:00"),
                              ("notice_left", "2026-03-04T09:05:00+01:00"),
                              ("picked_up", "2026-03-06T16:00:00+01:00")):
                c.post(f"/v1/dispatches/{d['id']}/events", json={"type": etype, "occurred_at": at})
            dispatches.append(d["id"])
        pec = c.post("/v1/dispatches", json={"case_id": case["id"], "document_id": doc["id"], "channel": "pec",
                                             "recipient": "x@pec.it", "message_id": MSGID}).json()
        assert c.post(f"/v1/dispatches/{pec['id']}/receipts",
                      files={"file": ("r.eml", ACCETTAZIONE.read_bytes(), "message/rfc822")}).status_code == 201
    return {"dispatches": dispatches, "pec": [pec["id"]]}


async def run_scenario(base: str, key: str, ids: dict[str, list[str]], scenario: str, concurrency: int,
                       seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    pec_bytes = ACCETTAZIONE.read_bytes()
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, limits=limits,
                                 timeout=60) as client:
        async def one() -> None:
            nonlocal errors
            rnd = random.Random()
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                if scenario == "read":
                    r = await client.get(f"/v1/dispatches/{rnd.choice(ids['dispatches'])}")
                    ok = r.status_code == 200
                elif scenario == "upload":
                    scan = b"%PDF-1.4\n" + uuid.uuid4().bytes * 128 + b"\n%%EOF\n"
                    r = await client.post(f"/v1/dispatches/{rnd.choice(ids['dispatches'])}/receipts",
                                          files={"file": ("ar.pdf", scan, "application/pdf")}, data={"kind": "other"})
                    ok = r.status_code == 201
                else:
                    r = await client.post(f"/v1/dispatches/{ids['pec'][0]}/receipts",
                                          files={"file": ("r.eml", pec_bytes, "message/rfc822")})
                    ok = r.status_code == 200
                latencies.append(time.perf_counter() - t0)
                errors += not ok

        t_start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(concurrency)))
        elapsed = time.perf_counter() - t_start
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50_ms": 1000 * latencies[len(latencies) // 2],
            "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)], "errors": errors, "requests": len(latencies)}


LUA_COMMON = """
wrk.headers["Authorization"] = "Bearer %(key)s"
local ids = {%(ids)s}
local counter = 0
local shown = 0
response = function(status, headers, body)
  if status >= 300 and shown < 2 then shown = shown + 1; io.stderr:write(status .. " " .. body .. "\\n") end
end
local function slurp(path)
  local f = assert(io.open(path, "rb")); local data = f:read("*all"); f:close(); return data
end
"""
LUA = {
    "read": """
request = function()
  return wrk.format("GET", "/v1/dispatches/" .. ids[math.random(#ids)])
end
""",
    "upload": """
local boundary = "benchboundary7MA4YWxkTrZu0gW"
request = function()
  counter = counter + 1
  local scan = "%%PDF-1.4\\n" .. string.rep(tostring(counter) .. "-" .. tostring(math.random(1e9)) .. ";", 100) ..
               "\\n%%%%EOF\\n"
  local body = "--" .. boundary .. "\\r\\nContent-Disposition: form-data; name=\\"kind\\"\\r\\n\\r\\nother\\r\\n" ..
    "--" .. boundary .. "\\r\\nContent-Disposition: form-data; name=\\"file\\"; filename=\\"ar.pdf\\"\\r\\n" ..
    "Content-Type: application/pdf\\r\\n\\r\\n" .. scan .. "\\r\\n--" .. boundary .. "--\\r\\n"
  return wrk.format("POST", "/v1/dispatches/" .. ids[math.random(#ids)] .. "/receipts",
                    {["Content-Type"] = "multipart/form-data; boundary=" .. boundary, ["Authorization"] = wrk.headers["Authorization"]}, body)
end
""",
    "pec": """
local boundary = "benchboundary7MA4YWxkTrZu0gW"
local eml = slurp("%(eml)s")
local body = "--" .. boundary .. "\\r\\nContent-Disposition: form-data; name=\\"file\\"; filename=\\"r.eml\\"\\r\\n" ..
  "Content-Type: message/rfc822\\r\\n\\r\\n" .. eml .. "\\r\\n--" .. boundary .. "--\\r\\n"
request = function()
  return wrk.format("POST", "/v1/dispatches/%(pec)s/receipts",
                    {["Content-Type"] = "multipart/form-data; boundary=" .. boundary, ["Authorization"] = wrk.headers["Authorization"]}, body)
end
""",
}


def run_wrk(base: str, key: str, ids: dict[str, list[str]], scenario: str, concurrency: int,
            seconds: float) -> dict[str, float]:
    """The same scenario driven by wrk (C, far less CPU than the Python generator): requests/s from wrk,
    latency percentiles from --latency, non-2xx answers counted as errors."""
    import re

    values = {"key": key, "ids": ",".join(f'"{i}"' for i in ids["dispatches"]), "eml": str(ACCETTAZIONE),
              "pec": ids["pec"][0]}
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text((LUA_COMMON + LUA[scenario]) % values)
    threads = min(2, concurrency)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{int(seconds)}s", "--latency",
                          "-s", str(script), base], capture_output=True, text=True, check=True)
    if out.stderr.strip():
        print(f"  {scenario}: first error answers: {out.stderr.strip()[:400]}", file=sys.stderr)
    out = out.stdout
    script.unlink()

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50_ms": ms("50"),
            "p95_ms": ms("90"), "errors": int(errors.group(1)) if errors else 0,
            "requests": int(total.group(1)) if total else 0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dispatches", type=int, default=50)
    ap.add_argument("--scenarios", default="read,upload,pec")
    ap.add_argument("--tool", choices=("httpx", "wrk"), default="httpx",
                    help="load generator: Python httpx+asyncio, or wrk (apt install wrk)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="corr-bench-"))
    env = {**os.environ, "CORRESPONDENCE_HOME": str(tmp), "PYTHONPATH": str(ROOT)}
    cleanup = None
    if args.backend == "postgresql":
        from tests.store.backends import create_pg_database, drop_pg_database

        name, url = create_pg_database()
        env["CORRESPONDENCE_DATABASE_URL"] = url
        cleanup = lambda: drop_pg_database(name)  # noqa: E731
    else:
        env.pop("CORRESPONDENCE_DATABASE_URL", None)

    from correspondence.store import Store, StoreSettings
    from correspondence.store.apikeys import create_api_key

    store = Store.open(StoreSettings.from_env(env), migrate=True)
    with store.session() as session:
        key = create_api_key(session, "bench").key
    store.close()
    port = free_port()
    proc = start_server(env, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        ids = seed(base, key, args.dispatches)
        print(f"tool={args.tool} backend={args.backend} workers={args.workers} concurrency={args.concurrency} "
              f"seconds={args.seconds} runs={args.runs} dispatches={args.dispatches}")
        for scenario in args.scenarios.split(","):
            if args.tool == "wrk":
                runs = [run_wrk(base, key, ids, scenario, args.concurrency, args.seconds) for _ in range(args.runs)]
            else:
                runs = [asyncio.run(run_scenario(base, key, ids, scenario, args.concurrency, args.seconds))
                        for _ in range(args.runs)]
            med = {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50_ms", "p95_ms")}
            errors = sum(r["errors"] for r in runs)
            tail = "p90" if args.tool == "wrk" else "p95"  # wrk --latency reports 50/75/90/99
            print(f"{scenario:7s} median {med['rps']:8.1f} req/s  p50 {med['p50_ms']:7.1f} ms  "
                  f"{tail} {med['p95_ms']:7.1f} ms  runs {[round(r['rps'], 1) for r in runs]}  errors {errors}")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if cleanup:
            cleanup()


if __name__ == "__main__":
    main()
