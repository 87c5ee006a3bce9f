"""Migrations and repository behaviour on SQLite and on the real PostgreSQL server."""
from __future__ import annotations

import datetime as dt
import hashlib
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from correspondence.dispatch import DispatchEvent, EventType, IllegalTransition
from correspondence.errors import ConfigurationError, InputError
from correspondence.store import Store, StoreSettings
from correspondence.store import cases as case_store
from correspondence.store import dispatches as dispatch_store
from correspondence.casework.dispatches import open_dispatch, record_event
from correspondence.casework.receipts import attach_file
from correspondence.store.apikeys import authenticate, create_api_key
from correspondence.store.db import current_revision, downgrade, head_revision, make_engine, table_names, upgrade
from correspondence.store.documents import record_document
from correspondence.store.models import Base, Document, EventRecord, Receipt
from tests.casedata import example

TABLES = ["alembic_version", "api_keys", "brand_assets", "brands", "case_actions", "case_plans", "case_versions",
          "cases", "dispatch_events", "dispatches", "documents", "idempotency_keys", "mailboxes", "payments",
          "receipts", "tenants", "unmatched_receipts", "users", "webhook_deliveries", "webhooks", "wording_files"]


def test_migrations_match_the_models_and_go_both_ways(backend_url: str) -> None:
    engine = make_engine(backend_url)
    try:
        upgrade(engine)
        assert table_names(engine) == TABLES and current_revision(engine) == head_revision() is not None
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == []
        upgrade(engine)  # idempotent
        downgrade(engine, "0001")
        assert current_revision(engine) == "0001" and "idempotency_keys" not in table_names(engine)
        downgrade(engine, "base")
        assert table_names(engine) == ["alembic_version"]
        upgrade(engine)
        assert table_names(engine) == TABLES
    finally:
        engine.dispose()


def test_unmigrated_postgres_refuses_to_start(backend_url: str, tmp_path) -> None:
    settings = StoreSettings(database_url=backend_url, blob_dir=tmp_path / "b")
    if settings.is_sqlite:
        store = Store.open(settings)  # SQLite: migrated automatically
        assert current_revision(store.engine) == head_revision()
        store.close()
    else:
        with pytest.raises(ConfigurationError, match="db upgrade"):
            Store.open(settings)
        Store.open(settings, migrate=True).close()
        Store.open(settings).close()


@pytest.fixture
def store(backend_url: str, tmp_path):
    s = Store.open(StoreSettings(database_url=backend_url, blob_dir=tmp_path / "blobs"), migrate=True)
    yield s
    s.close()


def _case_and_doc(store: Store, session, tenant_id):
    record = case_store.create_case(session, tenant_id, example("it"))
    blob = store.blobs.put_bytes(b"%PDF-1.4 letter")
    doc, _ = record_document(session, tenant_id, blob, origin="uploaded", media_type="application/pdf",
                             filename="l.pdf", case_id=record.id)
    return record, doc


def test_times_round_trip_as_aware_utc(store: Store) -> None:
    with store.session() as session:
        tenant = create_api_key(session, "firm").tenant
        record, doc = _case_and_doc(store, session, tenant.id)
        d = open_dispatch(session, tenant.id, case_id=record.id, document_id=doc.id, channel="raccomandata_ar",
                             recipient="Via Roma 1")[0]
        at = dt.datetime(2026, 3, 5, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
        record_event(session, tenant.id, d.id, DispatchEvent(EventType.delivered, at, "carrier"))
    with store.session() as session:
        row = session.scalars(select(EventRecord)).one()
        assert row.occurred_at == at and row.occurred_at.tzinfo is not None
        event = dispatch_store.to_dispatch_event(row)
        assert event.occurred_at.utcoffset() == dt.timedelta(hours=1)  # the original zone is kept
        assert dispatch_store.get_dispatch(session, tenant.id, d.id).deadline_at == dt.date(2026, 3, 20)


def test_refused_event_writes_nothing(store: Store) -> None:
    with store.session() as session:
        tenant = create_api_key(session, "firm").tenant
        record, doc = _case_and_doc(store, session, tenant.id)
        d = open_dispatch(session, tenant.id, case_id=record.id, document_id=doc.id, channel="pec",
                             recipient="a@pec.it")[0]
        version = d.version
        with pytest.raises(IllegalTransition):
            record_event(session, tenant.id, d.id, DispatchEvent(
                EventType.notice_left, dt.datetime(2026, 3, 5, tzinfo=dt.timezone.utc), "carrier"))
        assert session.scalar(select(func.count()).select_from(EventRecord)) == 0
        session.refresh(d)
        assert d.version == version


def test_concurrent_identical_receipts_make_one_row(store: Store) -> None:
    """Threads racing on the same dispatch: the lock and the unique constraint leave exactly one receipt."""
    with store.session() as session:
        tenant = create_api_key(session, "firm").tenant
        record, doc = _case_and_doc(store, session, tenant.id)
        d = open_dispatch(session, tenant.id, case_id=record.id, document_id=doc.id, channel="raccomandata_ar",
                             recipient="Via Roma 1")[0]
    data = b"%PDF-1.7 scan of the return card"
    results, errors = [], []
    barrier = threading.Barrier(6)

    def worker() -> None:
        try:
            with store.session() as session:
                barrier.wait()
                receipt, created = attach_file(session, store.blobs, tenant.id, d.id, data, kind="return_card",
                                               media_type="application/pdf", filename="ar.pdf")
                results.append((receipt.id, created))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({rid for rid, _ in results}) == 1 and sorted(c for _, c in results) == [False] * 5 + [True]
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Receipt)) == 1
    assert store.blobs.exists(hashlib.sha256(data).hexdigest())


def test_every_row_points_to_an_existing_blob_and_orphans_are_collected(store: Store) -> None:
    with store.session() as session:
        tenant = create_api_key(session, "firm").tenant
        _case_and_doc(store, session, tenant.id)
    orphan = store.blobs.put_bytes(b"written, but the transaction never committed")
    import os
    import time

    for sha in store.blobs.all_digests():
        old = time.time() - 7200
        os.utime(store.blobs.path(sha), (old, old))
    assert store.collect_garbage() == [orphan.sha256]
    with store.session() as session:
        for sha in session.scalars(select(Document.sha256)):
            assert store.blobs.exists(sha)


def test_duplicate_document_race_returns_the_existing_row(store: Store) -> None:
    with store.session() as session:
        tenant = create_api_key(session, "firm").tenant
    blob = store.blobs.put_bytes(b"%PDF same bytes")
    with store.session() as s1, store.session() as s2:
        a, created_a = record_document(s1, tenant.id, blob, origin="uploaded", media_type="application/pdf",
                                       filename="a.pdf")
        b, created_b = record_document(s2, tenant.id, blob, origin="uploaded", media_type="application/pdf",
                                       filename="b.pdf")
    assert a.id == b.id and (created_a, created_b) == (True, False)


def test_api_keys(store: Store) -> None:
    with store.session() as session:
        issued = create_api_key(session, "Studio Legale Verdi", label="ci")
        assert issued.key.startswith(f"ck_{issued.key_id}_")
        assert authenticate(session, issued.key).name == "Studio Legale Verdi"
        assert authenticate(session, issued.key + "x") is None
        flipped = issued.key[:-1] + ("B" if issued.key[-1] == "A" else "A")
        assert authenticate(session, flipped) is None
        assert authenticate(session, "") is None
        second = create_api_key(session, "Studio Legale Verdi")
        assert second.tenant.id == issued.tenant.id and second.key != issued.key
        with pytest.raises(InputError):
            create_api_key(session, "bad/name;drop")


def test_settings_from_env(tmp_path) -> None:
    s = StoreSettings.from_env({"CORRESPONDENCE_HOME": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path}/correspondence.sqlite3" and s.blob_dir == tmp_path / "blobs"
    s = StoreSettings.from_env({"CORRESPONDENCE_DATABASE_URL": "postgresql://u@h/db",
                                "CORRESPONDENCE_MAX_UPLOAD_BYTES": "1000"})
    assert s.database_url == "postgresql+psycopg://u@h/db" and s.max_upload_bytes == 1000 and not s.is_sqlite
    assert StoreSettings.from_env({}).database_url == "sqlite:///var/correspondence.sqlite3"
    with pytest.raises(ConfigurationError):
        StoreSettings.from_env({"CORRESPONDENCE_MAX_UPLOAD_BYTES": "lots"})
