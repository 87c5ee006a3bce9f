"""Batches over HTTP: upload an export and its mapping, follow the job, fetch the ZIP; rows are validated
first (422 naming line and column); each letter is registered under its case; tenants never see each other's."""
from __future__ import annotations

import io
import json
import time
import zipfile

import pytest

from tests.api.conftest import Api
from tests.campaign.helpers import ES_ROWS, spanish_export, template
from tests.textutil import pdf_flat


@pytest.fixture(autouse=True)
def _one_worker(app):
    given = app.state.settings
    app.state.settings = given.model_copy(update={"batch_workers": 1, "broker_url": None})
    app.state.batches = None  # rebuilt from these settings on first use
    yield
    app.state.batches = None
    app.state.settings = given


def _post(api: Api, sheet: tuple[str, bytes], mapping: bytes, **fields: str):
    return api.post("/v1/batches", files={"sheet": (sheet[0], sheet[1], "application/octet-stream"),
                                          "mapping": ("mapping.yaml", mapping, "application/yaml")}, data=fields)


def _wait(api: Api, batch_id: str) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = api.get(f"/v1/batches/{batch_id}").json()
        if status["status"] != "running":
            return status
        time.sleep(0.1)
    raise AssertionError("the batch did not finish")


def test_batch_from_upload_to_archive(api: Api, other: Api, tmp_path) -> None:
    folder = template(tmp_path)
    r = _post(api, ("debtors.xlsx", (folder / "debtors.xlsx").read_bytes()), (folder / "mapping.yaml").read_bytes(),
              kind="first_demand")
    assert r.status_code == 202, r.text
    batch_id = r.json()["id"]
    assert r.headers["location"] == f"/v1/batches/{batch_id}" and r.json()["total"] == 3
    assert other.get(f"/v1/batches/{batch_id}").status_code == 404  # another tenant's batch does not exist
    assert other.get(f"/v1/batches/{batch_id}/archive").status_code == 404
    status = _wait(api, batch_id)
    assert status["status"] == "done" and status["done"] == 3 and status["errors"] == []
    archive = zipfile.ZipFile(io.BytesIO(api.get(f"/v1/batches/{batch_id}/archive").content))
    assert sorted(archive.namelist()) == ["IT00743110157.pdf", "IT01234560017.pdf", "RSSMRA85T10A562S.pdf",
                                          "manifest.csv", "manifest.json"]
    assert "Verdi Costruzioni S.r.l." in pdf_flat(archive.read("IT01234560017.pdf"))
    manifest = json.loads(archive.read("manifest.json"))
    bianchi = next(c for c in manifest["cases"] if c["case"] == "IT00743110157")
    [doc_id] = bianchi["document_ids"]
    doc = api.get(f"/v1/documents/{doc_id}").json()  # registered under the tenant, ready for dispatch
    assert doc["sha256"] == bianchi["files"][0]["sha256"] and doc["kind"] == "first_demand"
    case = api.get(f"/v1/cases/{doc['case_id']}").json()
    assert case["debtor_name"] == "Bianchi S.p.A."
    assert other.get(f"/v1/documents/{doc_id}").status_code == 404


def test_invalid_rows_are_refused_whole_or_skipped(api: Api, tmp_path) -> None:
    rows = [ES_ROWS[0], ES_ROWS[1].replace("15/05/2026", "15/13/2026"), ES_ROWS[2]]
    source, mapping = spanish_export(tmp_path, rows)
    r = _post(api, ("clientes.csv", source.read_bytes()), mapping.read_bytes())
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"] == [{"field": "line 3, Vencimiento",
                                   "reason": "'15/13/2026' is not a date written like 31/03/2026 (or 2026-03-31)"}]
    r = _post(api, ("clientes.csv", source.read_bytes()), mapping.read_bytes(), skip_invalid="true")
    assert r.status_code == 202
    status = _wait(api, r.json()["id"])
    assert (status["status"], status["done"], status["invalid"]) == ("done", 1, 1)
    assert status["errors"][0]["line"] == 3 and status["errors"][0]["column"] == "Vencimiento"


def test_bad_uploads_are_problems_not_errors(api: Api, tmp_path) -> None:
    source, mapping = spanish_export(tmp_path)
    assert _post(api, ("clientes.pdf", source.read_bytes()), mapping.read_bytes()).json()["field"] == "sheet"
    r = api.post("/v1/batches", files={"sheet": ("clientes.csv", source.read_bytes(), "text/csv")})
    assert r.status_code == 422 and r.json()["field"] == "mapping"
    r = _post(api, ("clientes.csv", source.read_bytes()), b"columns: {debtor.name: Cliente}\n")
    assert r.status_code == 422 and "invoice.amount" in r.json()["detail"]
    logo = mapping.read_text(encoding="utf-8").replace("defaults:", "defaults:\n  brand: {logo: /etc/passwd}")
    r = _post(api, ("clientes.csv", source.read_bytes()), logo.encode())
    assert r.status_code == 422 and "logo" in r.json()["field"]


def test_batch_through_a_celery_worker(api: Api, app, api_store, tmp_path, monkeypatch) -> None:
    """With a broker configured the API sends one task per case to the workers and registers what comes back."""
    from correspondence.campaign.jobs import BatchJobs
    from tests.campaign.test_queue import BROKERS, _drop_queue, _environment, _start
    from tests.processes import stop_group

    env = _environment(tmp_path, monkeypatch, BROKERS["redis"])
    worker = _start(env)
    try:
        app.state.batches = BatchJobs(tmp_path / "batches", api_store, queue=True)
        folder = template(tmp_path / "tpl")
        r = _post(api, ("debtors.csv", (folder / "debtors.csv").read_bytes()),
                  (folder / "mapping.yaml").read_bytes(), kind="second_demand", sign="true")
        assert r.status_code == 202, r.text
        status = _wait(api, r.json()["id"])
        assert status["status"] == "done" and status["done"] == 3, status
        archive = zipfile.ZipFile(io.BytesIO(api.get(f"/v1/batches/{r.json()['id']}/archive").content))
        assert "IT00743110157.signed.pdf" in archive.namelist()
        doc_id = status["cases_out"][0]["documents"][0]
        assert api.get(f"/v1/documents/{doc_id}").json()["origin"] == "signed"
    finally:
        stop_group(worker)
        _drop_queue(env)


def _brand(api: Api, name: str, fields: dict, *, version: bool = False) -> None:
    import yaml

    from tests.brandkit import PLAIN_SVG

    url = f"/v1/brands/{name}/versions" if version else "/v1/brands"
    data = {"brand": yaml.safe_dump({**fields, "logo": "logo.svg"}, allow_unicode=True),
            **({} if version else {"name": name})}
    r = api.post(url, data=data, files=[("files", ("logo.svg", PLAIN_SVG, "image/svg+xml"))])
    assert r.status_code == 201, r.text


def test_a_batch_names_the_tenants_brands_and_each_document_records_the_version(api: Api, other: Api,
                                                                              tmp_path) -> None:
    from tests.campaign.test_brands import BRANDS, branded_export

    _brand(api, "alfa", {**BRANDS["alfa"], "name": "Alfa Cobros (antigua)"})
    _brand(api, "alfa", BRANDS["alfa"], version=True)  # version 2: the latest, pinned for the batch
    _brand(api, "beta", BRANDS["beta"])
    source, mapping = branded_export(tmp_path, ["alfa", "alfa", ""], default=None)
    r = _post(api, ("clientes.csv", source.read_bytes()), mapping.read_bytes(), brand="nobody")
    assert r.status_code == 422 and r.json()["field"] == "brand" and "no brand 'nobody'" in r.json()["detail"]
    r = _post(other, ("clientes.csv", source.read_bytes()), mapping.read_bytes())  # another tenant's names
    assert r.status_code == 422 and r.json()["errors"] == [{"field": "line 2, Marca", "reason": "no brand 'alfa'"}]
    r = _post(api, ("clientes.csv", source.read_bytes()), mapping.read_bytes(), brand="beta")
    assert r.status_code == 202, r.text
    status = _wait(api, r.json()["id"])
    assert status["status"] == "done" and status["done"] == 2 and status["brand_versions"] == {"beta": 1}
    source, mapping = branded_export(tmp_path / "column", ["alfa", "alfa", "beta"], default=None)
    r = _post(api, ("clientes.csv", source.read_bytes()), mapping.read_bytes())
    assert r.status_code == 202, r.text
    status = _wait(api, r.json()["id"])
    assert status["status"] == "done" and status["done"] == 2, status
    archive = zipfile.ZipFile(io.BytesIO(api.get(f"/v1/batches/{r.json()['id']}/archive").content))
    alcala, penalara = pdf_flat(archive.read("A28015865.pdf")), pdf_flat(archive.read("B86561412.pdf"))
    assert "Alfa Cobros Profesionales" in alcala and "antigua" not in alcala and "Beta Gestión" not in alcala
    assert "Beta Gestión de Impagados" in penalara and "Gran Vía 30, Madrid" in penalara
    manifest = {c["case"]: c for c in json.loads(archive.read("manifest.json"))["cases"]}
    assert (manifest["A28015865"]["brand"], manifest["A28015865"]["brand_version"]) == ("alfa", 2)
    for case, version in (("A28015865", ("alfa", 2)), ("B86561412", ("beta", 1))):
        [doc_id] = manifest[case]["document_ids"]
        made = api.get(f"/v1/documents/{doc_id}").json()["made_from"]["brand"]
        assert (made["ref"], made["version"]) == version
