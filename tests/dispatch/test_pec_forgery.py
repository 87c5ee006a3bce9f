"""Issue 11 attacks on PEC evidence: forged structure around a genuine signature, a self-signed "provider",
and our S/MIME verdict cross-checked with OpenSSL on every fixture."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from correspondence.dispatch import EventType, parse_pec_receipt
from correspondence.dispatch.mime import AmbiguousMessage
from correspondence.dispatch.providers import PACKAGED, install_trust_list, load_trust_list
from correspondence.errors import InputError
from dispatch_helpers import PEC_DIR, TEST_TRUST, pec_bytes
from tests import forgery

VICTIM = "<diffida-2026-0042@studio.example>"
OPENSSL = shutil.which("openssl")


def test_boundary_prefix_forgery_is_refused():
    raw = forgery.boundary_prefix_forgery(VICTIM)
    with pytest.raises(AmbiguousMessage) as info:
        parse_pec_receipt(raw)
    assert info.value.field == "file" and "prefix" in info.value.reason


@pytest.mark.skipif(OPENSSL is None, reason="openssl command not installed")
def test_openssl_shows_the_signature_covers_other_bytes_than_the_forged_daticert(tmp_path: Path):
    """OpenSSL also finds boundaries by prefix: the genuine signature verifies, but over the original
    accettazione; the forged avvenuta-consegna is not in what it signed. We refuse the whole message."""
    path = tmp_path / "forged.eml"
    path.write_bytes(forgery.boundary_prefix_forgery(VICTIM))
    done = subprocess.run([OPENSSL, "cms", "-verify", "-noverify", "-in", str(path), "-out", str(tmp_path / "c")],
                          capture_output=True)
    if done.returncode == 0:
        signed = (tmp_path / "c").read_bytes()
        assert b"1852" in signed and b"forged-inner" not in signed


@pytest.mark.parametrize("build,reason", [
    (forgery.second_signature_forgery, "exactly one signed part"),
    (forgery.epilogue_forgery, "after the closing boundary"),
    (forgery.preamble_forgery, "preamble"),
])
def test_data_outside_the_signed_part_is_refused(build, reason):
    assert parse_pec_receipt(forgery.pec(forgery.ACCETTAZIONE)).trusted  # the genuine message is fine
    with pytest.raises(AmbiguousMessage, match=reason):
        parse_pec_receipt(build(VICTIM))


@pytest.mark.parametrize("name,value", [
    (b"X-Ricevuta", b"avvenuta-consegna"), (b"X-Riferimento-Message-ID", VICTIM.encode()),
    (b"Content-Type", b'multipart/mixed; boundary="x"'),
])
def test_duplicated_critical_header_is_refused(name, value):
    with pytest.raises(AmbiguousMessage, match="duplicated header"):
        parse_pec_receipt(forgery.duplicated_header(name, value))


def test_self_signed_key_named_like_aruba_is_not_trusted():
    raw = forgery.self_signed_provider(forgery.pec(forgery.CONSEGNA))
    receipt = parse_pec_receipt(raw)
    assert receipt.signature.valid  # integrity holds: the bytes were signed by *that* key
    assert receipt.signature.signer and "Posta Certificata ARUBA PEC" in receipt.signature.signer
    assert not receipt.signature.trusted and not receipt.trusted
    assert "not trusted" in receipt.signature.reason and "self-signed" in receipt.signature.reason
    event = receipt.to_event()
    assert event is not None and event.type is EventType.delivered and event.trusted is False


def test_real_aruba_receipt_is_trusted_only_through_the_list(tmp_path: Path, monkeypatch):
    raw = forgery.pec(forgery.CONSEGNA)
    assert parse_pec_receipt(raw).trusted
    data = json.loads(PACKAGED.read_text())
    data["providers"] = [p for p in data["providers"] if "Aruba" not in p["name"]]
    data["date"] = "2027-01-15"
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path))
    _, path = install_trust_list(json.dumps(data).encode())
    assert path == tmp_path / "trust" / "pec_providers.json" and load_trust_list().date == "2027-01-15"
    receipt = parse_pec_receipt(raw)
    assert receipt.signature.valid and not receipt.trusted
    assert "not in the list of accredited PEC providers of 2027-01-15" in receipt.signature.reason


@pytest.mark.parametrize("field,doc", [
    ("file", b"not json"), ("file.date", b'{"date": "yesterday", "source": "x", "providers": [], "anchors": []}'),
    ("file.anchors[0].pem", b'{"date": "2027-01-01", "source": "x", "providers": [{"name": "a", '
                            b'"organization": "a"}], "anchors": [{"pem": "garbage"}]}'),
])
def test_bad_trust_list_is_refused(tmp_path: Path, field, doc):
    with pytest.raises(InputError) as info:
        install_trust_list(doc, home=tmp_path)
    assert info.value.field == field
    assert not (tmp_path / "trust" / "pec_providers.json").exists()


def test_shipped_list_is_dated_and_says_where_it_comes_from():
    trust = load_trust_list(PACKAGED)
    assert trust.date == "2026-12-01" and "NOT the AgID download" in trust.source
    assert {c.subject.native["common_name"] for c in trust.anchors} == {"AgID CA1", "DigitPA CA1"}


def _ours(raw: bytes) -> bool | None:
    try:
        return parse_pec_receipt(raw, trust=TEST_TRUST).signature.valid
    except InputError:
        return None  # refused before (hostile XML) or because ambiguous


@pytest.mark.skipif(OPENSSL is None, reason="openssl command not installed")
@pytest.mark.parametrize("name", sorted(p.name for p in PEC_DIR.glob("*.eml")))
def test_signature_verdict_agrees_with_openssl(name: str, tmp_path: Path):
    """Same verdict as `openssl cms -verify -noverify` (integrity only, no chain) on every fixture."""
    done = subprocess.run([OPENSSL, "cms", "-verify", "-noverify", "-in", str(PEC_DIR / name),
                           "-out", str(tmp_path / "content")], capture_output=True)
    theirs = done.returncode == 0
    ours = _ours(pec_bytes(name))
    if ours is None:  # refused on its daticert, not its signature: check the signature alone
        from correspondence.dispatch.mime import split_signed
        from correspondence.dispatch.smime import verify_smime
        import email

        raw = pec_bytes(name)
        ours = verify_smime(split_signed(raw, email.message_from_bytes(raw)), TEST_TRUST).valid
    assert ours == theirs, done.stderr.decode(errors="replace")
    if theirs:  # and over the same bytes
        from correspondence.dispatch.mime import split_signed
        import email

        raw = pec_bytes(name)
        parts = split_signed(raw, email.message_from_bytes(raw))
        assert parts is not None and parts.content == (tmp_path / "content").read_bytes().replace(
            b"\r\n", b"\n").replace(b"\n", b"\r\n")
