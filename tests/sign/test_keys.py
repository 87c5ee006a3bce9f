"""Key sources and their failures: PKCS#12, SoftHSM2 token (RSA and raw ECDSA), passwords, PINs, TSA."""
from __future__ import annotations

import socket

import pytest

from correspondence.cli.app import main
from correspondence.errors import InputError
from correspondence.sign import SignOptions, SigningKey, sign_pdf, verify_pdf
from conftest import P12_PASSWORD
from sign_helpers import assert_ess_signing_certificate


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"


def _run(args, capsys):
    rc = main(args)
    cap = capsys.readouterr()
    return rc, " ".join(cap.err.split()), cap.out


@pytest.fixture
def src(letter, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter)
    return path


def _only(tmp_path, src):
    assert sorted(tmp_path.iterdir()) == [src], "an output or temp file was left behind"


def test_wrong_p12_password(pki, src, tmp_path, capsys):
    bad = tmp_path / "pw.txt"
    bad.write_text("not the password\n")
    rc, err, _ = _run(["sign", str(src), "--p12", str(pki.p12("signer")), "--p12-password-file", str(bad),
                       "-o", str(tmp_path / "out.pdf")], capsys)
    assert rc == 2 and "p12_password: wrong password" in err
    bad.unlink()
    _only(tmp_path, src)


def test_p12_password_from_environment(pki, src, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CORRESPONDENCE_P12_PASSWORD", P12_PASSWORD)
    out = tmp_path / "out.pdf"
    rc, err, stdout = _run(["sign", str(src), "--p12", str(pki.p12("signer")), "--trust", str(pki.root_pem),
                            "--invisible", "-o", str(out)], capsys)
    assert rc == 0, err
    assert "signer: Avv. Maria Rossi" in stdout
    assert verify_pdf(out.read_bytes(), [pki.root_pem]).valid


def test_no_password_source_is_an_input_error(pki, src, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CORRESPONDENCE_P12_PASSWORD", raising=False)
    rc, err, _ = _run(["sign", str(src), "--p12", str(pki.p12("signer")), "-o", str(tmp_path / "o.pdf")], capsys)
    assert rc == 2 and "p12_password" in err and "CORRESPONDENCE_P12_PASSWORD" in err


def test_unreachable_tsa(pki, src, tmp_path, capsys):
    rc, err, _ = _run(["sign", str(src), "--p12", str(pki.p12("signer")), "--p12-password-file",
                       str(pki.password_file), "--trust", str(pki.root_pem), "--level", "B-T",
                       "--tsa-url", _closed_port_url(), "-o", str(tmp_path / "out.pdf")], capsys)
    assert rc == 2 and "tsa_url: timestamp authority http://127.0.0.1:" in err
    _only(tmp_path, src)


def test_level_bt_without_tsa_is_refused(pki, src, tmp_path, capsys):
    rc, err, _ = _run(["sign", str(src), "--p12", str(pki.p12("signer")), "--p12-password-file",
                       str(pki.password_file), "--level", "B-LTA", "-o", str(tmp_path / "out.pdf")], capsys)
    assert rc == 2 and "tsa_url: level B-LTA needs a timestamp authority" in err


# -- PKCS#11 (SoftHSM2) ------------------------------------------------------------------------------

@pytest.mark.parametrize("label,name", [("signer", "Avv. Maria Rossi"), ("signer-ec", "Abg. Juan Garcia")])
def test_pkcs11_token_signs_all_levels_worth(pki, softhsm, letter, label, name):
    with SigningKey.from_pkcs11(softhsm["module"], token_label=softhsm["token"], key_label=label,
                                pin=softhsm["pin"]) as key:
        assert key.is_ec == (label == "signer-ec")
        opts = SignOptions(level="B-LT", tsa_url=pki.tsa_url, trust_roots=(pki.root_pem,))
        signed = [sign_pdf(key, letter, opts) for _ in range(2)]  # one session, two letters
    for data in signed:
        assert_ess_signing_certificate(data, pki.cert(label))
        report = verify_pdf(data, [pki.root_pem], allow_fetching=False)
        assert report.valid, report.summary()
        assert report.signatures[0].signer == name and report.signatures[0].level == "B-LT"


def test_pkcs11_cli(pki, softhsm, src, tmp_path, capsys):
    out = tmp_path / "out.pdf"
    rc, err, _ = _run(["sign", str(src), "--pkcs11-module", softhsm["module"], "--token-label", softhsm["token"],
                       "--key-label", "signer-ec", "--pin-file", str(softhsm["pin_file"]), "--trust",
                       str(pki.root_pem), "--level", "B-T", "--tsa-url", pki.tsa_url, "-o", str(out)], capsys)
    assert rc == 0, err
    assert main(["verify", str(out), "--trust", str(pki.root_pem)]) == 0


def test_pkcs11_wrong_pin(softhsm, src, tmp_path, capsys):
    pin = tmp_path / "pin.txt"
    pin.write_text("0000\n")
    rc, err, _ = _run(["sign", str(src), "--pkcs11-module", softhsm["module"], "--token-label", softhsm["token"],
                       "--key-label", "signer", "--pin-file", str(pin), "-o", str(tmp_path / "out.pdf")], capsys)
    assert rc == 2 and "pin: wrong PIN" in err
    assert not (tmp_path / "out.pdf").exists()


def test_pkcs11_missing_key_label(softhsm, src, tmp_path, capsys):
    rc, err, _ = _run(["sign", str(src), "--pkcs11-module", softhsm["module"], "--token-label", softhsm["token"],
                       "--key-label", "nobody", "--pin-file", str(softhsm["pin_file"]),
                       "-o", str(tmp_path / "out.pdf")], capsys)
    assert rc == 2 and "key_label: no" in err and "'nobody'" in err
    _only(tmp_path, src)


def test_pkcs11_missing_token(softhsm):
    with pytest.raises(InputError) as exc:
        SigningKey.from_pkcs11(softhsm["module"], token_label="no-such-token", key_label="signer",
                               pin=softhsm["pin"])
    assert exc.value.field == "token_label"


def test_p12_without_private_key_and_garbage_p12(pki, tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    cert = x509.load_pem_x509_certificate(pki.root_pem.read_bytes())
    certs_only = pkcs12.serialize_key_and_certificates(b"x", None, cert, None, BestAvailableEncryption(b"pw"))
    with pytest.raises(InputError) as exc:
        SigningKey.from_p12_data(certs_only, "pw")
    assert exc.value.field == "p12" and "private key" in exc.value.reason
    with pytest.raises(InputError) as exc:
        SigningKey.from_p12_data(b"not a p12 at all", "pw")
    assert exc.value.field == "p12_password"
    with pytest.raises(InputError) as exc:
        SigningKey.from_p12(tmp_path / "missing.p12", "pw")
    assert exc.value.field == "p12"


def test_a_key_recipe_that_names_no_key_is_an_input_error(softhsm):
    from correspondence.sign import KeyRecipe

    with pytest.raises(InputError) as exc:  # was Path(None): a TypeError traceback
        KeyRecipe().load()
    assert exc.value.field == "p12" and "neither" in exc.value.reason
    with pytest.raises(InputError) as exc:  # was a token search for the key labelled ''
        KeyRecipe(pkcs11_module=softhsm["module"], pin=softhsm["pin"]).load()
    assert exc.value.field == "key_label"


@pytest.mark.parametrize("use_pades", [True, False])
def test_fast_signed_attributes_are_byte_identical_to_pyhankos(pki, use_pades):
    # speedups.py assembles signed attributes from DER pieces: the signed bytes must not change
    import asyncio
    from datetime import datetime, timezone

    from pyhanko.sign.signers import SimpleSigner
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    plain = SimpleSigner.load_pkcs12_data(pki.p12("signer").read_bytes(), [], P12_PASSWORD.encode())
    key = SigningKey.from_p12(pki.p12("signer"), P12_PASSWORD)
    settings = PdfCMSSignedAttributes(signing_time=datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc))
    digest = bytes(range(32))

    async def both():
        ours = await key.signer.signed_attrs(digest, "sha256", attr_settings=settings, use_pades=use_pades)
        theirs = await plain.signed_attrs(digest, "sha256", attr_settings=settings, use_pades=use_pades)
        return ours.dump(), theirs.dump()

    ours, theirs = asyncio.run(both())
    assert ours == theirs
    assert b"\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x02\x2f" in ours  # signing-certificate-v2 OID present


def test_legacy_3des_pfx_like_older_fnmt_exports(pki, letter, tmp_path, capsys):
    # older FNMT/browser exports use PBE-SHA1-3DES with a SHA-1 MAC; they must load like modern ones
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12

    key, cert, extra = pkcs12.load_key_and_certificates(pki.p12("signer").read_bytes(), P12_PASSWORD.encode())
    legacy = (PrivateFormat.PKCS12.encryption_builder().kdf_rounds(2048)
              .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC).hmac_hash(hashes.SHA1())
              .build(b"fnmt-1234"))
    pfx = tmp_path / "fnmt.pfx"
    pfx.write_bytes(pkcs12.serialize_key_and_certificates(b"Avv. Maria Rossi", key, cert, extra, legacy))
    pw = tmp_path / "pw.txt"
    pw.write_text("fnmt-1234\n")
    src = tmp_path / "letter.pdf"
    src.write_bytes(letter)
    out = tmp_path / "signed.pdf"
    assert main(["sign", str(src), "--p12", str(pfx), "--p12-password-file", str(pw), "--trust", str(pki.root_pem),
                 "-o", str(out)]) == 0
    assert verify_pdf(out.read_bytes(), [pki.root_pem]).valid


def test_password_prompt_on_a_terminal(pki, src, tmp_path):
    # no file, no environment variable: the CLI asks on the terminal (hidden input), never via argv
    import os
    import pty
    import select
    import signal
    import sys
    import termios
    import time

    out = tmp_path / "out.pdf"
    env = {k: v for k, v in os.environ.items() if k != "CORRESPONDENCE_P12_PASSWORD"}
    pid, fd = pty.fork()
    if pid == 0:  # child: a real terminal on stdin/stdout
        os.execve(sys.executable, [sys.executable, "-m", "correspondence", "sign", str(src), "--p12",
                                   str(pki.p12("signer")), "--trust", str(pki.root_pem), "-o", str(out)], env)
    seen, sent, deadline = b"", False, time.time() + 60
    status = None
    try:
        while time.time() < deadline:  # read until the child closes the terminal (exits) or time runs out
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    chunk = os.read(fd, 1024)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            # getpass flushes typed-ahead input when it switches echo off: answer only once echo is off
            if not sent and b"password:" in seen.lower() and not termios.tcgetattr(fd)[3] & termios.ECHO:
                os.write(fd, P12_PASSWORD.encode() + b"\n")
                sent = True
        while status is None and time.time() < deadline:
            done, code = os.waitpid(pid, os.WNOHANG)
            status = code if done else time.sleep(0.1)
    finally:
        if status is None:  # never block the suite on a stuck child
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert sent and b"signed " in seen, seen.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0
    assert verify_pdf(out.read_bytes(), [pki.root_pem]).valid
