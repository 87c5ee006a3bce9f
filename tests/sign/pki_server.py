"""The test PKI as a reusable piece (pytest fixtures and bench/sign.py): certomancer served over HTTP on a
loopback port in a background thread, plus PKCS#12 files for each test signer."""
from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path
from tests.ports import free_port

PKI_DIR = Path(__file__).parent / "pki"
ARCH = "corr"
P12_PASSWORD = "correct horse"
SIGNERS = ("signer", "signer-ec", "expired", "future", "revoked", "plain")


@dataclass
class Pki:
    url: str
    arch: object
    dir: Path
    root_pem: Path
    password_file: Path

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    def p12(self, label: str) -> Path:
        return self.dir / f"{label}.p12"

    def cert(self, label: str):
        return self.arch.get_cert(label)


class _Server:
    """aiohttp app on its own event loop in a daemon thread."""

    def __init__(self, app, port: int) -> None:
        self.app, self.port = app, port
        self.loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from aiohttp import web

        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(self.app, access_log=None)
        self.loop.run_until_complete(self.runner.setup())
        self.loop.run_until_complete(web.TCPSite(self.runner, "127.0.0.1", self.port).start())
        self._started.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())

    def start(self) -> None:
        self.thread.start()
        assert self._started.wait(10), "certomancer did not start"

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def start_pki(out: Path, *, port: int | None = None, serve: bool = True) -> tuple[Pki, _Server | None]:
    """Issue the certificates for a (free) port, write .p12 files and root.pem into `out`, start serving
    in this process unless `serve` is False (bench/sign.py serves from a separate process instead)."""
    from asn1crypto import pem
    from certomancer.integrations.aiohttp_animator import build_animator_app
    from certomancer.registry import ArchLabel, CertomancerConfig

    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    cfg = CertomancerConfig.from_file(str(PKI_DIR / "certomancer.yml"), external_url_prefix=url)
    arch = cfg.get_pki_arch(ArchLabel(ARCH))
    root_pem = out / "root.pem"
    root_pem.write_bytes(pem.armor("CERTIFICATE", arch.get_cert("root").dump()))
    for label in SIGNERS:
        data = arch.package_pkcs12(label, certs_to_embed=list(arch.get_chain(label)),
                                   password=P12_PASSWORD.encode())
        (out / f"{label}.p12").write_bytes(data)
    pw = out / "p12-password.txt"
    pw.write_text(P12_PASSWORD + "\n")
    server = None
    if serve:
        server = _Server(build_animator_app({ArchLabel(ARCH): arch}, with_web_ui=False), port)
        server.start()
    return Pki(url=url, arch=arch, dir=out, root_pem=root_pem, password_file=pw), server
