"""/v1/brands (issue 15 item 1): create, list, get, new version; assets as multipart, checked before
anything is stored; tenant isolation; a case naming a brand renders with it and records its version."""
from __future__ import annotations

import json

import yaml

from tests.brandkit import GREEN, HOSTILE_SVG, PLAIN_SVG, green_files
from tests.casedata import example
from tests.textutil import pdf_flat


def _post(api, url: str, fields: dict, files: dict[str, bytes], name: str | None = None):
    data = {"brand": yaml.safe_dump(fields, allow_unicode=True)}
    if name:
        data["name"] = name
    parts = [("files", (filename, content, "application/octet-stream")) for filename, content in files.items()]
    return api.post(url, data=data, files=parts)


def _small_green() -> tuple[dict, dict[str, bytes]]:
    fields = {k: v for k, v in GREEN.items() if k != "fonts"}  # keep uploads under the test limit
    files = {k: v for k, v in green_files(HOSTILE_SVG).items() if k in ("logo.svg", "firma.png")}
    return fields, files


def test_create_list_get_and_version_a_brand(api):
    fields, files = _small_green()
    r = _post(api, "/v1/brands", fields, files, name="verdi")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["name"] == "verdi" and body["version"] == 1 and r.headers["Location"] == "/v1/brands/verdi"
    assert {a["filename"] for a in body["assets"]} == {"logo.svg", "firma.png"}
    assert body["brand"]["company"]["share_capital"] == "€ 120.000,00 i.v."
    r = _post(api, "/v1/brands/verdi/versions", {**fields, "primary_color": "#223344"}, files)
    assert r.status_code == 201 and r.json()["version"] == 2
    listed = api.get("/v1/brands").json()
    assert [(b["name"], b["version"]) for b in listed] == [("verdi", 2)]
    assert api.get("/v1/brands/verdi", params={"version": 1}).json()["brand"]["primary_color"] == "#0B6E4F"
    assert api.get("/v1/brands/verdi").json()["brand"]["primary_color"] == "#223344"


def test_existing_name_unknown_name_and_bad_input_are_clear_errors(api):
    fields, files = _small_green()
    assert _post(api, "/v1/brands", fields, files, name="alfa").status_code == 201
    again = _post(api, "/v1/brands", fields, files, name="alfa")
    assert again.status_code == 422 and "exists" in again.json()["detail"]
    assert _post(api, "/v1/brands/nobody/versions", fields, files).status_code == 422
    bad = _post(api, "/v1/brands", {**fields, "logo": "missing.svg"}, files, name="beta")
    assert bad.status_code == 422 and "missing.svg" in bad.text
    capital = {**fields, "company": {**fields["company"], "share_capital": None}}
    r = _post(api, "/v1/brands", capital, files, name="gamma")
    assert r.status_code == 422 and "2250" in r.text and "share_capital" in r.text
    notimage = _post(api, "/v1/brands", fields, {**files, "firma.png": b"GIF89a" + b"\0" * 20}, name="delta")
    assert notimage.status_code == 422 and "signature_image" in notimage.text
    stray = _post(api, "/v1/brands", fields, {**files, "extra.png": b"x"}, name="eps")
    assert stray.status_code == 422 and "extra.png" in stray.text
    assert api.post("/v1/brands", json={"brand": {}}).status_code == 415
    assert api.get("/v1/brands/alfa").status_code == 200 and api.get("/v1/brands/beta").status_code == 404


def test_another_tenant_sees_none_of_them(api, other):
    fields, files = _small_green()
    assert _post(api, "/v1/brands", fields, files, name="private").status_code == 201
    assert other.get("/v1/brands/private").status_code == 404
    assert all(b["name"] != "private" for b in other.get("/v1/brands").json())
    case = other.case("it", brand={"ref": "private"})
    r = other.post(f"/v1/cases/{case['id']}/documents", json={"format": "pdf"})
    assert r.status_code == 422 and "no brand 'private'" in r.text


def test_a_case_naming_a_brand_renders_with_it_and_records_the_version(api):
    fields, files = _small_green()
    assert _post(api, "/v1/brands", {**fields, "logo": "plain.svg"}, {"plain.svg": PLAIN_SVG,
                                                                         "firma.png": files["firma.png"]},
                 name="verdi").status_code == 201
    case = api.case("it", brand={"ref": "verdi"}, signatory=None)  # the brand's signatory signs
    r = api.post(f"/v1/cases/{case['id']}/documents", json={"format": "pdf"})
    assert r.status_code == 201, r.text
    assert r.json()["made_from"]["brand"]["ref"] == "verdi" and r.json()["made_from"]["brand"]["version"] == 1
    text = pdf_flat(api.get(f"/v1/documents/{r.json()['id']}/content").content)
    assert "Verdi & Associati" in text and "REA MI-7654321" in text and "Dott. Paolo Verdi" in text


def test_files_in_a_case_are_refused(api):
    r = api.post("/v1/cases", json=json.loads(json.dumps(example("it", brand={"logo": "/etc/passwd"}), default=str)))
    assert r.status_code == 422 and "brand.logo" in r.text


def test_brand_fields_may_come_as_a_file_part(api):
    fields, files = _small_green()
    parts = [("brand", ("brand.yaml", yaml.safe_dump(fields, allow_unicode=True).encode(), "application/yaml"))]
    parts += [("files", (name, content, "application/octet-stream")) for name, content in files.items()]
    r = api.post("/v1/brands", data={"name": "asfile"}, files=parts)
    assert r.status_code == 201, r.text
