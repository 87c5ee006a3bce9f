"""CAdES-BES .p7m for any file (DOCX here): signed by the CLI, verified by us and by openssl cms."""
from __future__ import annotations

import base64
import io
import subprocess

import pytest

from correspondence.cli.app import main
from correspondence.sign import SigningKey, extract_p7m, sign_p7m, verify_p7m
from conftest import P12_PASSWORD


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph("Atto di precetto - allegato firmato")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_p7m_round_trip_cli_and_openssl(pki, docx_bytes, tmp_path, capsys):
    src = tmp_path / "allegato.docx"
    src.write_bytes(docx_bytes)
    assert main(["sign", str(src), "--p12", str(pki.p12("signer")), "--p12-password-file", str(pki.password_file),
                 "--trust", str(pki.root_pem)]) == 0
    p7m = tmp_path / "allegato.docx.p7m"
    assert p7m.exists()
    capsys.readouterr()
    extracted = tmp_path / "out.docx"
    assert main(["verify", str(p7m), "--trust", str(pki.root_pem), "--extract", str(extracted)]) == 0
    out = capsys.readouterr().out
    assert "VALID: 1 signature(s) in p7m" in out and "Avv. Maria Rossi" in out
    assert extracted.read_bytes() == docx_bytes
    proc = subprocess.run(["openssl", "cms", "-verify", "-inform", "DER", "-in", str(p7m), "-CAfile",
                           str(pki.root_pem), "-purpose", "any", "-out", str(tmp_path / "ossl.docx")],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "Verification successful" in proc.stderr, proc.stderr
    assert (tmp_path / "ossl.docx").read_bytes() == docx_bytes
    # CAdES-BES: signing-certificate-v2 is a signed attribute
    attrs = subprocess.run(["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", str(p7m)],
                           capture_output=True, text=True, check=True).stdout
    assert "id-smime-aa-signingCertificateV2" in attrs
    assert "sha256" in attrs


def test_p7m_base64_form_and_tampering(pki, docx_bytes):
    key = SigningKey.from_p12(pki.p12("signer-ec"), P12_PASSWORD)
    p7m = sign_p7m(key, docx_bytes)
    assert verify_p7m(base64.encodebytes(p7m), [pki.root_pem]).valid  # base64 .p7m as some PEC clients send
    idx = p7m.index(b"Atto di precetto") if b"Atto di precetto" in p7m else len(p7m) // 3
    tampered = bytearray(p7m)
    tampered[idx] ^= 0x01
    report = verify_p7m(bytes(tampered), [pki.root_pem])
    assert not report.valid
    assert any("altered" in p or "invalid" in p for p in report.signatures[0].problems)
    assert extract_p7m(p7m) == docx_bytes


def test_p7m_untrusted_and_garbage(pki, docx_bytes, tmp_path, capsys):
    key = SigningKey.from_p12(pki.p12("signer"), P12_PASSWORD)
    path = tmp_path / "x.p7m"
    path.write_bytes(sign_p7m(key, docx_bytes))
    assert main(["verify", str(path)]) == 1  # no --trust: the test root is not in the system store
    assert "no chain to a trusted root" in capsys.readouterr().out
    path.write_bytes(b"\x30\x03garbage")
    assert main(["verify", str(path)]) == 2
    assert "p7m:" in capsys.readouterr().err


def test_p7m_with_signature_timestamp(pki, docx_bytes, tmp_path, capsys):
    src = tmp_path / "a.docx"
    src.write_bytes(docx_bytes)
    assert main(["sign", str(src), "--p12", str(pki.p12("signer")), "--p12-password-file", str(pki.password_file),
                 "--trust", str(pki.root_pem), "--level", "B-T", "--tsa-url", pki.tsa_url]) == 0
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "a.docx.p7m"), "--trust", str(pki.root_pem), "--json"]) == 0
    import json

    sig = json.loads(capsys.readouterr().out)["signatures"][0]
    assert sig["level"] == "CAdES-T" and sig["timestamp"] and sig["signing_time"]
    proc = subprocess.run(["openssl", "cms", "-verify", "-inform", "DER", "-in", str(tmp_path / "a.docx.p7m"),
                           "-CAfile", str(pki.root_pem), "-purpose", "any", "-out", "/dev/null"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
