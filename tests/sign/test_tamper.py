"""Tampering is detected: a flipped byte in the signed range, and a content-changing incremental update."""
from __future__ import annotations

import pytest

from correspondence.cli.app import main
from correspondence.sign import SignOptions, SigningKey, sign_pdf, verify_pdf
from conftest import P12_PASSWORD
from sign_helpers import append_page_content, flip_byte_in_signed_range, pdfsig


@pytest.fixture(scope="module")
def signed_bt(pki, letter):
    key = SigningKey.from_p12(pki.p12("signer"), P12_PASSWORD)
    return sign_pdf(key, letter, SignOptions(level="B-T", tsa_url=pki.tsa_url, trust_roots=(pki.root_pem,)))


def test_untouched_file_verifies(pki, signed_bt, tmp_path, capsys):
    path = tmp_path / "ok.pdf"
    path.write_bytes(signed_bt)
    assert main(["verify", str(path), "--trust", str(pki.root_pem)]) == 0
    assert "VALID: 1 signature(s)" in capsys.readouterr().out


def test_flipped_byte_is_detected(pki, signed_bt, tmp_path, capsys):
    path = tmp_path / "flipped.pdf"
    path.write_bytes(flip_byte_in_signed_range(signed_bt))
    assert main(["verify", str(path), "--trust", str(pki.root_pem)]) == 1
    out = capsys.readouterr().out
    assert "NOT VALID" in out and "signed content was altered (digest mismatch)" in out
    report = verify_pdf(path.read_bytes(), [pki.root_pem])
    assert not report.signatures[0].intact
    assert "Digest Mismatch" in pdfsig(path, "-nocert")


def test_appended_content_update_is_detected(pki, signed_bt, tmp_path, capsys):
    path = tmp_path / "forged.pdf"
    path.write_bytes(append_page_content(signed_bt))
    assert main(["verify", str(path), "--trust", str(pki.root_pem), "--json"]) == 1
    import json

    data = json.loads(capsys.readouterr().out)
    assert data["valid"] is False
    sig = data["signatures"][0]
    assert sig["intact"] is True  # the signed bytes are untouched ...
    assert sig["coverage"] == "entire revision"
    assert any("modified after signing" in p for p in sig["problems"])  # ... but content was added later
