"""Expired, not-yet-valid and revoked signer certificates: refused at signing, reported at verification."""
from __future__ import annotations

import pytest

from correspondence.cli.app import main
from correspondence.errors import InputError
from correspondence.sign import SignOptions, SigningKey, sign_pdf, verify_pdf
from conftest import P12_PASSWORD

CASES = {
    "expired": "expired on 2022-01-01",
    "future": "not yet valid (valid from 2290-01-01",
    "revoked": "revoked",
}
REPORTED = {
    "expired": "expired",
    "future": "not yet valid",
    "revoked": "revoked",
}


@pytest.mark.parametrize("label", sorted(CASES))
def test_refused_at_signing_by_cli(pki, letter, tmp_path, capsys, label):
    src = tmp_path / "letter.pdf"
    src.write_bytes(letter)
    out = tmp_path / "signed.pdf"
    rc = main(["sign", str(src), "--p12", str(pki.p12(label)), "--p12-password-file", str(pki.password_file),
               "--trust", str(pki.root_pem), "-o", str(out)])
    assert rc == 2
    err = " ".join(capsys.readouterr().err.split())  # rich wraps long lines
    assert "signer:" in err and CASES[label] in err and "--allow-invalid-signer" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [src]  # no temp file left either


@pytest.mark.parametrize("label", sorted(CASES))
def test_override_signs_and_verification_reports(pki, letter, label):
    key = SigningKey.from_p12(pki.p12(label), P12_PASSWORD)
    with pytest.raises(InputError) as exc:
        sign_pdf(key, letter, SignOptions(trust_roots=(pki.root_pem,)))
    assert exc.value.field == "signer"
    signed = sign_pdf(key, letter, SignOptions(trust_roots=(pki.root_pem,), allow_invalid_signer=True))
    report = verify_pdf(signed, [pki.root_pem])
    assert not report.valid
    sig = report.signatures[0]
    assert sig.intact and sig.valid and not sig.trusted
    assert any(REPORTED[label] in p for p in sig.problems), sig.problems
    assert sig.revoked == (label == "revoked")


def test_untrusted_root_refused_unless_allowed(pki, letter, tmp_path):
    # a chain that does not end in the given trust root is refused too
    from correspondence.sign.demo import ensure_demo_signer

    _, _, demo_ca = ensure_demo_signer(tmp_path / "demo")
    key = SigningKey.from_p12(pki.p12("signer"), P12_PASSWORD)
    with pytest.raises(InputError, match="no chain to a trusted root"):
        sign_pdf(key, letter, SignOptions(trust_roots=(demo_ca,)))


def test_a_campaign_with_an_expired_signer_is_refused_before_any_letter(pki, tmp_path, monkeypatch, capsys):
    """The coordinator checks the signer once before any work (the forked workers reuse that check), so an
    expired certificate stops the run with the reason instead of failing every letter."""
    from tests.campaign.helpers import spanish_export

    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    source, mapping = spanish_export(tmp_path / "export")
    out = tmp_path / "out"
    rc = main(["batch", str(source), "--mapping", str(mapping), "-o", str(out), "--p12", str(pki.p12("expired")),
               "--p12-password-file", str(pki.password_file), "--workers", "2"])
    assert rc == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "signer:" in err and CASES["expired"] in err and "Traceback" not in err
    assert not out.exists()  # refused before the output folder, a letter or a manifest is written


def test_a_positive_signer_check_is_shared_by_every_key_with_that_certificate(pki, monkeypatch):
    """Keys loaded again from the same certificate (each campaign worker loads its own) reuse the check; other
    trust settings are checked again."""
    from correspondence.sign import keys, trust
    from correspondence.sign.sync import run_sync

    calls = []
    real = trust.check_signer

    async def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[0])
        await real(*args, **kwargs)

    monkeypatch.setattr(trust, "check_signer", counting)
    monkeypatch.setattr(keys, "_signer_checks", {})
    options = SignOptions(trust_roots=(pki.root_pem,), allow_fetching=False)
    for _ in range(2):
        run_sync(SigningKey.from_p12(pki.p12("signer"), P12_PASSWORD).ensure_valid(options))
    assert len(calls) == 1
    run_sync(SigningKey.from_p12(pki.p12("signer"), P12_PASSWORD).ensure_valid(SignOptions(allow_fetching=False)))
    assert len(calls) == 2  # other trust roots: another check
