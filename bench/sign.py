"""Signing throughput for one-page letters with a key loaded once (the batch case).

Starts the test PKI (tests/sign/pki; certomancer serving on a loopback port from a separate process) for
the local TSA, renders a one-page PDF/A letter (the project's renderer on examples/case-it.yaml, or plain
WeasyPrint when the renderer is absent), then times `sign_pdf(key, ...)` for RSA-2048 and ECDSA P-256 at
B-B (invisible and with a visible stamp) and B-T, against the render time of the same letter.

    .venv/bin/python bench/sign.py [--runs 30]
"""
from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sign"))

from correspondence.sign import SignOptions, SigningKey, StampSpec, sign_pdf  # noqa: E402
from pki_server import P12_PASSWORD, PKI_DIR, free_port, start_pki  # noqa: E402

LETTER = """<!doctype html><html><head><meta charset="utf-8"><style>
@page { size: A4; margin: 2cm } body { font-family: 'Liberation Serif'; font-size: 11pt }
</style></head><body><h1>Diffida e messa in mora</h1>
<p>Egregio Sig. Bianchi, con la presente la invitiamo a pagare entro quindici giorni la somma di
EUR 1.234,56 oltre interessi di mora ai sensi del D.Lgs. 231/2002.</p>
<p>In mancanza procederemo per vie legali senza ulteriore avviso.</p><p>Distinti saluti</p></body></html>"""


def letter_renderer():
    """The project's own renderer on examples/case-it.yaml when it is there, else a plain WeasyPrint page."""
    try:
        from correspondence.casefile import load_case
        from correspondence.render import compose_document, render_pdf

        case = load_case(ROOT / "examples" / "case-it.yaml", {"kind": "first_demand", "claim.payments": []})
        render_pdf(compose_document(case), pdfa=True)
        return (lambda: render_pdf(compose_document(case), pdfa=True).data), "project renderer"
    except Exception:  # renderer not available in this checkout: fall back to a minimal letter
        import weasyprint

        return (lambda: weasyprint.HTML(string=LETTER).write_pdf(pdf_variant="pdf/a-3b")), "plain WeasyPrint HTML"


def serve_pki_in_subprocess(tmp: Path, port: int) -> subprocess.Popen:
    """certomancer's own server in another process, so the TSA's work does not share our GIL."""
    shutil.copytree(PKI_DIR, tmp / "pki")
    cfg = tmp / "pki" / "certomancer.yml"
    text = cfg.read_text().replace('external-url-prefix: "http://127.0.0.1:9"',
                                   f'external-url-prefix: "http://127.0.0.1:{port}"')
    cfg.write_text(text)
    exe = Path(sys.executable).with_name("certomancer")
    proc = subprocess.Popen([str(exe), "--config", str(cfg), "animate", "--aiohttp", "--no-web-ui",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("certomancer did not start")


def median_ms(fn, runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds (CPU time is less disturbed by a busy shared machine)."""
    fn()  # warm-up: imports, caches, the signer certificate check
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    render, source = letter_renderer()
    letter = render()
    render_ms, render_cpu = median_ms(render, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        pki, _ = start_pki(Path(tmp), port=port, serve=False)
        server = serve_pki_in_subprocess(Path(tmp), port)
        try:
            rows = [(f"render one-page PDF/A-3b letter ({source})", render_ms, render_cpu)]
            for label, algo in (("signer", "RSA-2048"), ("signer-ec", "ECDSA P-256")):
                key = SigningKey.from_p12(pki.p12(label), P12_PASSWORD)
                cases = (
                    ("B-B invisible", SignOptions(trust_roots=(pki.root_pem,))),
                    ("B-B visible stamp", SignOptions(trust_roots=(pki.root_pem,), reason="Diffida",
                                                      stamp=StampSpec(box=(335, 40, 560, 110)))),
                    ("B-T invisible, local TSA", SignOptions(level="B-T", tsa_url=pki.tsa_url,
                                                             trust_roots=(pki.root_pem,))),
                )
                for name, opts in cases:
                    ms, cpu = median_ms(lambda: sign_pdf(key, letter, opts), args.runs)
                    rows.append((f"sign {algo} {name}", ms, cpu))
        finally:
            server.terminate()
            server.wait(10)
    print(f"median of {args.runs} runs, one-page letter ({len(letter)} bytes)")
    print(f"{'measure':<58} {'wall ms':>8} {'cpu ms':>8} {'wall/render':>12} {'cpu/render':>11}")
    for name, ms, cpu in rows:
        print(f"{name:<58} {ms:>8.1f} {cpu:>8.1f} {ms / render_ms:>12.0%} {cpu / render_cpu:>11.0%}")


if __name__ == "__main__":
    main()
