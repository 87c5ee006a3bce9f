"""Real PKI for the signing tests: certomancer (CA, CRLs, OCSP, RFC 3161 TSA) served over HTTP on loopback
in a background thread, PKCS#12 files for each test signer, and a SoftHSM2 token, all session-scoped."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pki_server import P12_PASSWORD, Pki, start_pki  # noqa: F401 (P12_PASSWORD re-exported for tests)

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "firm"
TOKEN_PIN = "1234"


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> Pki:
    pki, server = start_pki(tmp_path_factory.mktemp("pki"))
    yield pki
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
