"""Documents: upload (idempotent, byte-exact, typed), size and type limits, rendering a case."""
from __future__ import annotations

import hashlib
import io

import pytest

from tests.api.conftest import UPLOAD_LIMIT, Api
from tests.textutil import pdf_flat

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _upload(api: Api, data: bytes, media_type: str = "application/pdf", **form):
    return api.post("/v1/documents", files={"file": ("doc.pdf", data, media_type)}, data=form)


def test_upload_is_stored_with_hash_and_returned_byte_exact(api: Api) -> None:
    case = api.case()
    r = _upload(api, PDF, case_id=case["id"])
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["sha256"] == hashlib.sha256(PDF).hexdigest() and doc["size"] == len(PDF)
    assert doc["origin"] == "uploaded" and doc["case_id"] == case["id"]
    assert r.headers["location"] == f"/v1/documents/{doc['id']}"
    content = api.get(f"/v1/documents/{doc['id']}/content")
    assert content.content == PDF and content.headers["content-type"] == "application/pdf"
    assert content.headers["etag"] == f'"{doc["sha256"]}"'
    assert api.store.blobs.read_bytes(doc["sha256"]) == PDF


def test_duplicate_upload_returns_the_same_document(api: Api) -> None:
    first, second = _upload(api, PDF), _upload(api, PDF)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]


def test_docx_and_octet_stream_are_recognised(api: Api) -> None:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    r = _upload(api, buf.getvalue(), "application/octet-stream")
    assert r.status_code == 201, r.text
    assert r.json()["media_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize("data,media_type", [
    (b"<html>not a letter</html>", "text/html"),
    (b"hello", "application/pdf"),  # declared PDF, content is not
    (b"hello", "application/octet-stream"),
])
def test_wrong_file_types_are_415(api: Api, data: bytes, media_type: str) -> None:
    r = _upload(api, data, media_type)
    assert r.status_code == 415, r.text
    assert r.json()["field"] == "file" and r.headers["content-type"] == "application/problem+json"


def test_non_multipart_body_is_415(api: Api) -> None:
    r = api.post("/v1/documents", content=PDF, headers={"Content-Type": "application/pdf"})
    assert r.status_code == 415 and r.json()["status"] == 415
    r = api.post("/v1/documents", json={"file": "JVBERi0="})
    assert r.status_code == 415


def test_missing_file_part_is_422(api: Api) -> None:
    r = api.post("/v1/documents", files={"other": ("x.pdf", PDF, "application/pdf")})
    assert r.status_code == 422 and r.json()["field"] == "file"


def test_too_large_declared_body_is_413_before_reading(api: Api) -> None:
    big = b"%PDF-1.4\n" + b"0" * (UPLOAD_LIMIT + 100_000)
    r = _upload(api, big)
    assert r.status_code == 413
    body = r.json()
    assert body["status"] == 413 and body["type"].endswith("too-large") and str(UPLOAD_LIMIT) in body["detail"]


def test_too_large_streamed_body_is_cut_off(api: Api) -> None:
    """A chunked body (no Content-Length) is counted as it arrives and refused once over the limit."""
    sent = 0

    def body():
        nonlocal sent
        boundary = b"--xyz\r\n"
        yield boundary + b'Content-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
        yield b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
        for _ in range(100):  # up to 6.4 MB if nobody stops us
            sent += 65536
            yield b"0" * 65536
        yield b"\r\n--xyz--\r\n"

    r = api.post("/v1/documents", content=body(), headers={"Content-Type": "multipart/form-data; boundary=xyz"})
    assert r.status_code == 413
    assert r.json()["type"].endswith("too-large")


def test_file_part_over_limit_is_413(api: Api) -> None:
    """Just over the file limit but under the body limit (which allows for multipart overhead)."""
    r = _upload(api, b"%PDF-1.4\n" + b"0" * UPLOAD_LIMIT)
    assert r.status_code == 413 and r.json()["field"] == "file"


def test_upload_to_unknown_case_is_404_and_stores_nothing(api: Api) -> None:
    import uuid

    data = PDF + b"%unique\n"
    r = _upload(api, data, case_id=str(uuid.uuid4()))
    assert r.status_code == 404
    assert not api.store.blobs.exists(hashlib.sha256(data).hexdigest())
    assert _upload(api, data, case_id="not-a-uuid").status_code == 422


def test_render_case_to_pdf_and_docx(api: Api) -> None:
    case = api.case(kind="first_demand")
    r = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "pdf"})
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["origin"] == "rendered" and doc["media_type"] == "application/pdf"
    pdf = api.get(f"/v1/documents/{doc['id']}/content").content
    assert hashlib.sha256(pdf).hexdigest() == doc["sha256"]
    text = pdf_flat(pdf)
    assert "Bianchi S.p.A." in text and "2026/101" in text
    r = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "docx"})
    assert r.status_code == 201 and r.json()["filename"].endswith(".docx")
    listed = api.get(f"/v1/cases/{case['id']}/documents").json()
    assert {d["media_type"] for d in listed} == {"application/pdf", doc["media_type"].replace(
        "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")}
    assert api.post(f"/v1/cases/{case['id']}/documents", json={"format": "odt"}).status_code == 422


def test_signed_version_of_a_document(api: Api, other: Api, tmp_path) -> None:
    """Rendered or uploaded here, signed offline (e.g. `correspondence sign`), uploaded back and linked."""
    import uuid

    import weasyprint

    from correspondence.sign import SignOptions, SigningKey, ensure_demo_signer

    case = api.case()
    pdf = weasyprint.HTML(string=f"<p>Diffida {uuid.uuid4().hex}</p>").write_pdf()
    original = _upload(api, pdf, case_id=case["id"]).json()
    p12, password, _ = ensure_demo_signer(tmp_path)
    key = SigningKey.from_p12(p12, password)
    signed_pdf = key.sign_pdf(pdf, SignOptions(level="B-B"))  # PAdES: an incremental update after the bytes
    resigned = key.sign_pdf(pdf, SignOptions(level="B-B", field_name="Signature2"))
    r = _upload(api, signed_pdf, signed_from=original["id"])
    assert r.status_code == 201, r.text
    signed = r.json()
    assert signed["origin"] == "signed" and signed["signed_from_id"] == original["id"]
    assert signed["case_id"] == case["id"]  # inherited from the original
    assert _upload(api, signed_pdf, signed_from=original["id"]).json()["id"] == signed["id"]  # same bytes
    assert resigned != signed_pdf
    assert _upload(api, resigned, signed_from=original["id"], case_id=api.case()["id"]).status_code == 422
    assert _upload(other, signed_pdf, signed_from=original["id"]).status_code == 404
    # a pretended update without a signature is not a signed version (issue 11 item 6)
    fake = _upload(api, pdf + b"% pretend incremental update carrying a PAdES signature\n%%EOF\n",
                   signed_from=original["id"])
    assert fake.status_code == 422 and fake.json()["field"] == "signed_from"
    timeline = api.get(f"/v1/cases/{case['id']}/timeline").json()["entries"]
    assert any(f"signed version of {original['id']}" in e["summary"] for e in timeline)


def test_render_signed_pdf_with_the_service_key(api: Api, tmp_path, monkeypatch) -> None:
    from correspondence import pipeline
    from correspondence.sign import verify_pdf

    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path))  # the demo certificate is the embedded default
    pipeline.server_key.cache_clear()
    case = api.case(kind="legal_notice")
    r = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "pdf", "sign": True})
    assert r.status_code == 201, r.text
    signed = r.json()
    assert signed["origin"] == "signed" and signed["signed_from_id"]
    pdf = api.get(f"/v1/documents/{signed['id']}/content").content
    report = verify_pdf(pdf, [tmp_path / "demo-cert" / "demo-ca.pem"], allow_fetching=False)
    assert report.valid, report.all_problems()
    unsigned = api.get(f"/v1/documents/{signed['signed_from_id']}").json()
    assert unsigned["origin"] == "rendered"
    r = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "pdf", "sign": True, "level": "B-T"})
    assert r.status_code == 422 and "tsa" in r.text.lower()
    r = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "docx", "sign": True})
    assert r.status_code == 422 and r.json()["field"] == "sign"
    pipeline.server_key.cache_clear()
