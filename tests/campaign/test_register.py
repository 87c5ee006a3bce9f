"""With a store configured and --tenant, each campaign case is opened through casework and each letter stored
under it, signed over the stored bytes; the output file is the stored document; a rerun adds no twin."""
from __future__ import annotations

import io
import json
import uuid

import pypdf
from sqlalchemy import select

from correspondence.cli.app import main
from correspondence.sign import ensure_demo_signer, verify_pdf
from correspondence.store import Store, StoreSettings
from correspondence.store.models import CaseRecord, Document
from tests.campaign.helpers import template
from tests.store.backends import backend_url  # noqa: F401 - fixture: SQLite and PostgreSQL
from tests.textutil import pdf_flat


def test_campaign_registers_cases_and_signed_letters(tmp_path, monkeypatch, backend_url):  # noqa: F811
    home = tmp_path / "home"
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(home))
    monkeypatch.setenv("CORRESPONDENCE_DATABASE_URL", backend_url)
    Store.open(StoreSettings.from_env(), migrate=True).close()  # PostgreSQL is migrated explicitly
    folder = template(tmp_path / "tpl")
    out = tmp_path / "out"
    args = ["batch", str(folder / "debtors.csv"), "--mapping", str(folder / "mapping.yaml"), "--kind",
            "legal_notice", "-o", str(out), "--sign", "--tenant", "Studio Rossi", "--workers", "1"]
    assert main(args) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    store = Store.open(StoreSettings.from_env())
    try:
        with store.session() as session:
            cases = {c.debtor_name: c for c in session.scalars(select(CaseRecord))}
            assert set(cases) == {"Bianchi S.p.A.", "Verdi Costruzioni S.r.l.", "Mario Rossi"}
            bianchi = cases["Bianchi S.p.A."]
            assert [i["number"] for i in bianchi.data["claim"]["invoices"]] == ["2026/101", "2026/144"]
            _p12, _pw, ca = ensure_demo_signer(home / "demo-cert")
            for entry in manifest["cases"]:
                [doc_id] = entry["document_ids"]
                doc = session.get(Document, uuid.UUID(doc_id))
                [f] = entry["files"]
                assert doc.origin == "signed" and doc.sha256 == f["sha256"] and doc.kind == "legal_notice"
                data = (out / f["name"]).read_bytes()
                assert data == store.blobs.read_verified(doc.sha256)  # the file is the stored document
                assert verify_pdf(data, [ca], allow_fetching=False).valid
                unsigned = session.get(Document, doc.signed_from_id)
                assert data.startswith(store.blobs.read_verified(unsigned.sha256))  # signed what was stored
            assert "Bianchi S.p.A." in pdf_flat((out / "IT00743110157.signed.pdf").read_bytes())
            documents = len(session.scalars(select(Document)).all())
        assert main(args) == 0  # a rerun resumes: no new case, no new document
        with store.session() as session:
            assert len(session.scalars(select(CaseRecord)).all()) == 3
            assert len(session.scalars(select(Document)).all()) == documents == 6
    finally:
        store.close()


def test_a_typst_campaign_with_a_tenant_wording_override_stays_typst(tmp_path, monkeypatch):
    """A tenant's own wording makes the registrar render the letter again from the case as it stands: it is
    laid out (and its stamp drawn) by the campaign's engine, not silently by WeasyPrint."""
    from correspondence.casework.wording import put_wording
    from correspondence.store.apikeys import get_or_create_tenant

    home = tmp_path / "home"
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(home))
    monkeypatch.delenv("CORRESPONDENCE_DATABASE_URL", raising=False)
    store = Store.open(StoreSettings.from_env(), migrate=True)
    try:
        with store.session() as session:
            tenant = get_or_create_tenant(session, "Studio Rossi")
            session.commit()
            put_wording(session, tenant.id, "it", "blocks.j2",
                        "{% macro saluto() %}Gentilissimi amici di {{ debtor.name }},{% endmacro %}")
    finally:
        store.close()
    folder = template(tmp_path / "tpl")
    out = tmp_path / "out"
    assert main(["batch", str(folder / "debtors.csv"), "--mapping", str(folder / "mapping.yaml"), "--kind",
                 "legal_notice", "-o", str(out), "--sign", "--tenant", "Studio Rossi", "--workers", "1",
                 "--engine", "typst"]) == 0
    _p12, _pw, ca = ensure_demo_signer(home / "demo-cert")
    letters = sorted(out.glob("*.signed.pdf"))
    assert len(letters) == 3
    for path in letters:
        data = path.read_bytes()
        assert "Gentilissimi amici di" in pdf_flat(data)  # the tenant's wording: rendered by the registrar
        assert pypdf.PdfReader(io.BytesIO(data)).metadata["/Creator"].startswith("Typst")
        assert verify_pdf(data, [ca], allow_fetching=False).valid
