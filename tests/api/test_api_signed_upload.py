"""Issue 11 items 3 and 6 through the API: `signed_from` only for a real signed version of the stored
original; the kinds of document a PEC carries (PDF, DOCX, signed .p7m, XML) are accepted."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from correspondence.sign import SignOptions, SigningKey, ensure_demo_signer
from tests.api.conftest import Api

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pec"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """(original, signed) where signed = original + a PAdES incremental update (demo signer)."""
    import weasyprint

    original = weasyprint.HTML(string=f"<p>Diffida {uuid.uuid4().hex}</p>").write_pdf()
    p12, password, _ = ensure_demo_signer(tmp_path_factory.mktemp("demo"))
    signed = SigningKey.from_p12(p12, password).sign_pdf(original, SignOptions(level="B-B"))
    assert signed.startswith(original)
    return original, signed


def _upload(api: Api, data: bytes, media_type: str = "application/pdf", name: str = "x.pdf", **fields: str):
    return api.post("/v1/documents", files={"file": (name, data, media_type)}, data=fields)


def test_genuine_signed_version_is_recorded(api: Api, pdfs) -> None:
    original, signed = pdfs
    first = _upload(api, original).json()
    r = _upload(api, signed, signed_from=first["id"])
    assert r.status_code == 201, r.text
    assert r.json()["origin"] == "signed" and r.json()["signed_from_id"] == first["id"]


@pytest.mark.parametrize("case", ["unsigned", "tampered", "other original", "appended"])
def test_false_signed_versions_are_refused(api: Api, pdfs, case: str) -> None:
    original, signed = pdfs
    first = _upload(api, original).json()
    target = first["id"]
    if case == "unsigned":  # an incremental update without any signature
        data = original + b"\n% not a signature\n%%EOF\n"
    elif case == "tampered":  # a byte flipped inside the signed range (`verify` rejects it)
        flip = bytearray(signed)
        flip[len(original) // 2] ^= 0x01
        data = bytes(flip)
        target = _upload(api, data[:len(original)]).json()["id"]  # even against the tampered original
    elif case == "other original":
        data = signed
        target = _upload(api, b"%PDF-1.4\n% another letter " + uuid.uuid4().hex.encode() + b"\n%%EOF\n").json()["id"]
    else:
        data = signed + b"junk after the end\n"
    before = api.get("/v1/documents/" + target).json()
    r = _upload(api, data, signed_from=target)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "signed_from" and "not a signed version" in r.json()["detail"]
    assert api.get("/v1/documents/" + target).json() == before


def _p7m() -> bytes:
    key = serialization.load_pem_private_key((FIXTURES / "test_gestore_key.pem").read_bytes(), password=None)
    cert = x509.load_pem_x509_certificate((FIXTURES / "test_gestore_cert.pem").read_bytes())
    return (pkcs7.PKCS7SignatureBuilder().set_data(b"%PDF-1.4\n% signed letter\n%%EOF\n")
            .add_signer(cert, key, hashes.SHA256()).sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary]))


@pytest.mark.parametrize("media_type,name,data", [
    ("application/pkcs7-mime", "diffida.pdf.p7m", _p7m()),
    ("application/octet-stream", "diffida.pdf.p7m", _p7m()),
    ("application/xml", "fattura.xml", b'<?xml version="1.0"?><FatturaElettronica/>'),
    ("text/xml", "fattura.xml", b"\xef\xbb\xbf<FatturaElettronica/>"),
])
def test_pec_document_kinds_are_accepted_and_dispatched(api: Api, media_type: str, name: str, data: bytes) -> None:
    case = api.case()
    r = _upload(api, data, media_type, name, case_id=case["id"])
    assert r.status_code in (200, 201), r.text
    assert r.json()["media_type"] in ("application/pkcs7-mime", "application/xml", "text/xml")
    d = api.post("/v1/dispatches", json={"case_id": case["id"], "document_id": r.json()["id"], "channel": "pec",
                                         "recipient": "debitore@pec.example.it"})
    assert d.status_code == 201, d.text


def test_wrong_content_for_the_declared_kind_is_415(api: Api) -> None:
    assert _upload(api, b"plain text", "application/pkcs7-mime", "x.p7m").status_code == 415
    assert _upload(api, b"\x00\x01 binary", "application/xml", "x.xml").status_code == 415
