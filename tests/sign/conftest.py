"""Real PKI for the signing tests: certomancer (CA, CRLs, OCSP, RFC 3161 TSA) served over HTTP on loopback
in a background thread, PKCS#12 files for each test signer, and a SoftHSM2 token, all session-scoped."""
from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

PKI_DIR = Path(__file__).parent / "pki"
ARCH = "corr"
P12_PASSWORD = "correct horse"
SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "firm"
TOKEN_PIN = "1234"
SIGNERS = ("signer", "signer-ec", "expired", "future", "revoked", "plain")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> Pki:
    from certomancer.integrations.aiohttp_animator import build_animator_app
    from certomancer.registry import ArchLabel, CertomancerConfig
    from cryptography.hazmat.primitives.serialization import pkcs12  # noqa: F401 (needed by package_pkcs12)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cfg = CertomancerConfig.from_file(str(PKI_DIR / "certomancer.yml"), external_url_prefix=url)
    arch = cfg.get_pki_arch(ArchLabel(ARCH))
    out = tmp_path_factory.mktemp("pki")
    root_pem = out / "root.pem"
    from asn1crypto import pem

    root_pem.write_bytes(pem.armor("CERTIFICATE", arch.get_cert("root").dump()))
    for label in SIGNERS:
        chain = list(arch.get_chain(label))
        data = arch.package_pkcs12(label, certs_to_embed=chain, password=P12_PASSWORD.encode())
        (out / f"{label}.p12").write_bytes(data)
    pw = out / "p12-password.txt"
    pw.write_text(P12_PASSWORD + "\n")
    server = _Server(build_animator_app({ArchLabel(ARCH): arch}, with_web_ui=False), port)
    server.start()
    yield Pki(url=url, arch=arch, dir=out, root_pem=root_pem, password_file=pw)
    server.stop()


@pytest.fixture(scope="session")
def softhsm(pki, tmp_path_factory) -> dict:
    """A SoftHSM2 token 'firm' holding the RSA signer and the EC signer (labels = certomancer labels)."""
    if not Path(SOFTHSM_MODULE).exists() or not shutil.which("softhsm2-util"):
        pytest.skip("SoftHSM2 is not installed (Debian package softhsm2)")
    from certomancer.integrations import alchemist

    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL, "--pin", TOKEN_PIN,
                    "--so-pin", "5678"], check=True, capture_output=True, env=os.environ)
    session = alchemist.open_pkcs11_session(lib_location=SOFTHSM_MODULE, token_label=TOKEN_LABEL, pin=TOKEN_PIN)
    try:
        alchemist.Alchemist(alchemist.DefaultAlchemistBackend(session), pki.arch).store_key_bundles(
            certs={"signer", "signer-ec"}, include_chains=True)
    finally:
        session.close()
    pin_file = base / "pin.txt"
    pin_file.write_text(TOKEN_PIN + "\n")
    return {"module": SOFTHSM_MODULE, "token": TOKEN_LABEL, "pin": TOKEN_PIN, "pin_file": pin_file}


LETTER_HTML = """<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 2cm }} body {{ font-family: 'Liberation Serif'; font-size: 11pt }}
</style></head><body>{pages}</body></html>"""
PAGE = ('<section style="page-break-after: always"><h1>Diffida e messa in mora</h1>'
        '<p>Pagina {n}. Egregio Sig. Bianchi, con la presente la invitiamo a pagare EUR 1.234,56.</p></section>')


def make_letter(pages: int = 1) -> bytes:
    import weasyprint

    body = "".join(PAGE.format(n=i + 1) for i in range(pages))
    return weasyprint.HTML(string=LETTER_HTML.format(pages=body)).write_pdf(pdf_variant="pdf/a-3b")


@pytest.fixture(scope="session")
def letter() -> bytes:
    return make_letter(1)


@pytest.fixture(scope="session")
def letter2() -> bytes:
    return make_letter(2)
