"""pdfsig's trust leg (NSS db, chain without revocation pointers) and the demo certificate."""
from __future__ import annotations

import shutil
import stat
import subprocess

import pytest

from correspondence.cli.app import main
from correspondence.sign import DEMO_LABEL, SignOptions, SigningKey, ensure_demo_signer, sign_pdf, verify_pdf
from conftest import P12_PASSWORD
from sign_helpers import pdfa_problems, pdfsig


@pytest.fixture(scope="module")
def nssdb(pki, tmp_path_factory):
    if not shutil.which("certutil"):
        pytest.skip("certutil missing (Debian libnss3-tools)")
    db = tmp_path_factory.mktemp("nss")
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{db}", "-n", "root", "-t", "CT,C,C", "-i", str(pki.root_pem)],
                   check=True, capture_output=True)
    return f"sql:{db}"


def test_pdfsig_trusts_chain_without_revocation_pointers(pki, letter, nssdb, tmp_path):
    key = SigningKey.from_p12(pki.p12("plain"), P12_PASSWORD)
    path = tmp_path / "plain.pdf"
    path.write_bytes(sign_pdf(key, letter, SignOptions(level="B-T", tsa_url=pki.tsa_url, trust_roots=(pki.root_pem,))))
    out = pdfsig(path, "-nssdir", nssdb)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    # and without the root in the database it is not trusted: the check can fail
    empty = tmp_path / "emptydb"
    empty.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{empty}", "--empty-password"], check=True, capture_output=True)
    assert "Certificate is Trusted." not in pdfsig(path, "-nssdir", f"sql:{empty}")


def test_demo_cert_is_labelled_idempotent_and_signs(tmp_path, letter, capsys):
    directory = tmp_path / "demo"
    assert main(["demo-cert", "--dir", str(directory)]) == 0
    p12, password, ca = ensure_demo_signer(directory)
    before = p12.read_bytes()
    assert ensure_demo_signer(directory) == (p12, password, ca) and p12.read_bytes() == before
    assert stat.S_IMODE((directory / "demo-signer.password").stat().st_mode) == 0o600
    key = SigningKey.from_p12(p12, password)
    assert DEMO_LABEL in key.subject_name
    subject = subprocess.run(["openssl", "x509", "-noout", "-subject", "-in", str(ca)], capture_output=True,
                             text=True, check=True).stdout
    assert DEMO_LABEL in subject
    signed = sign_pdf(key, letter, SignOptions(trust_roots=(ca,)))
    assert verify_pdf(signed, [ca]).valid
    assert not verify_pdf(signed, []).valid  # never trusted implicitly
    assert pdfa_problems(signed) == []


def test_sign_without_key_uses_demo_from_correspondence_home(tmp_path, letter, capsys, monkeypatch):
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    src = tmp_path / "l.pdf"
    src.write_bytes(letter)
    assert main(["sign", str(src), "-o", str(tmp_path / "s.pdf")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "DEMO certificate" in err and "NOT FOR LEGAL USE" in err
    ca = tmp_path / "home" / "demo-cert" / "demo-ca.pem"
    assert main(["verify", str(tmp_path / "s.pdf"), "--trust", str(ca)]) == 0
