"""Database backends for the store and API tests: every test using these fixtures runs on SQLite and on the
real PostgreSQL server (127.0.0.1:5432, user postgres, trust auth), in a database created for the run."""
from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest

PG_ADMIN_URL = os.environ.get("CORRESPONDENCE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


PG_AVAILABLE = _pg_available()
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG_AVAILABLE, reason=f"PostgreSQL not reachable at {PG_ADMIN_URL}"))]


def create_pg_database() -> tuple[str, str]:
    import psycopg

    name = f"corr_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        # test databases need no durability: commits without waiting for the WAL flush
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return name, f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)


def drop_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_url(kind: str, tmp_dir) -> tuple[str, object]:
    """A fresh database URL of `kind` and a cleanup callable."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_dir}/test-{uuid.uuid4().hex[:8]}.sqlite3", lambda: None
    name, url = create_pg_database()
    return url, lambda: drop_pg_database(name)


@pytest.fixture(params=BACKENDS)
def backend_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """An empty database (not migrated) on each backend; dropped afterwards."""
    url, cleanup = make_url(request.param, tmp_path)
    try:
        yield url
    finally:
        cleanup()
