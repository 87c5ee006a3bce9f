"""Issue 11 item 7: `correspondence verify` on a damaged CMS prints one line and exits 1 (never a traceback);
bytes appended after %%EOF are a modification, not VALID. Item 6: `check_signed_version`."""
from __future__ import annotations

import re

import pytest

from conftest import P12_PASSWORD
from correspondence.cli.app import main
from correspondence.sign import SignOptions, SigningKey, verify_pdf
from correspondence.sign.signed_version import NotSignedVersion, check_signed_version
from sign_helpers import pdfsig


@pytest.fixture(scope="module")
def signed_bb(pki, letter):
    key = SigningKey.from_p12(pki.p12("signer"), P12_PASSWORD)
    return key.sign_pdf(letter, SignOptions(level="B-B", trust_roots=(pki.root_pem,)))


def _flips(signed: bytes) -> list[bytes]:
    """Every 1/24th of the used part of /Contents, one hex digit changed (24 damaged CMS blobs)."""
    match = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", signed)
    assert match is not None
    used = len(match.group(1).rstrip(b"0"))
    out = []
    for i in range(0, used, max(1, used // 24)):
        data = bytearray(signed)
        pos = match.start(1) + i
        data[pos] = ord("0") if data[pos] != ord("0") else ord("1")
        out.append(bytes(data))
    return out


def test_every_damaged_cms_is_one_line_and_exit_1(pki, signed_bb, tmp_path, capsys):
    flips = _flips(signed_bb)
    assert len(flips) >= 24
    refused = 0
    for n, data in enumerate(flips):
        path = tmp_path / f"flip{n}.pdf"
        path.write_bytes(data)
        code = main(["verify", str(path), "--trust", str(pki.root_pem), "--offline"])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err and not err.strip(), (n, out, err)
        if code == 0:  # a digit in unsigned CMS data (e.g. a spare certificate): pdfsig must agree it holds
            assert "Signature is Valid" in pdfsig(path, "-nocert"), (n, out)
            continue
        assert code == 1 and out.startswith("NOT VALID"), (n, out, err)
        if "damaged" in out:
            assert len(out.strip().splitlines()) == 1, out
        refused += 1
    assert refused >= len(flips) // 2  # the rest hit certificates outside the signed attributes


def test_bytes_after_eof_are_a_modification(pki, signed_bb, tmp_path, capsys):
    path = tmp_path / "appended.pdf"
    path.write_bytes(signed_bb + b"junk appended after the end of file\n")
    assert main(["verify", str(path), "--trust", str(pki.root_pem), "--offline"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("NOT VALID") and "appended after the end" in out and "modified after signing" in out
    assert "not total document signed" in pdfsig(path, "-nocert").lower()  # pdfsig agrees
    assert verify_pdf(signed_bb, [pki.root_pem], allow_fetching=False).valid  # the untouched file still does
    assert verify_pdf(signed_bb + b"\r\n", [pki.root_pem], allow_fetching=False).valid  # trailing EOL is fine


def test_signed_version_check(letter, signed_bb):
    check_signed_version(letter, signed_bb)
    bad = {
        "unsigned": letter + b"\n%%EOF\n",
        "tampered": signed_bb[:100] + bytes([signed_bb[100] ^ 1]) + signed_bb[101:],
        "appended": signed_bb + b"x",
        "other original": signed_bb,
    }
    for name, data in bad.items():
        original = letter if name != "other original" else letter[:-20] + b"% other\n%%EOF\n"
        if name == "tampered":
            original = data[:len(letter)]
        with pytest.raises(NotSignedVersion) as info:
            check_signed_version(original, data)
        assert info.value.field == "signed_from", name
