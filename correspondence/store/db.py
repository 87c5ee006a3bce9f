"""Engine, sessions and schema migrations.

SQLite is tuned for a small server: WAL journal (readers never block the writer), foreign keys on, and a
generous busy timeout so concurrent writers queue instead of failing. Migrations are Alembic scripts shipped
inside this package; `upgrade()` runs them programmatically (no alembic.ini needed).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ConfigurationError
from .settings import StoreSettings

MIGRATIONS = Path(__file__).with_name("migrations")
log = logging.getLogger(__name__)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite make sure the folder exists and set the pragmas on every connection."""
    if url.startswith("sqlite"):
        database = url.split("///", 1)[1] if "///" in url else ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {}).update({"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    try:
        return create_engine(url, **kwargs)
    except Exception as exc:  # unknown dialect, missing driver
        raise ConfigurationError(f"cannot use database URL {url!r}: {exc}") from None


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (idempotent)."""
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)
    log.info("database schema at %s", revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(_alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(create_engine("sqlite://"))).get_current_head()


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())


def open_store(settings: StoreSettings, *, migrate: bool | None = None) -> tuple[Engine, sessionmaker[Session]]:
    """Engine + session factory for `settings`. Migrates SQLite automatically (embedded default); for
    PostgreSQL run ``correspondence db upgrade`` as a deployment step, unless `migrate` is True."""
    engine = make_engine(settings.database_url)
    if migrate if migrate is not None else settings.is_sqlite:
        upgrade(engine)
    elif current_revision(engine) != head_revision():
        raise ConfigurationError(
            "the database schema is not up to date: run `correspondence db upgrade` first")
    return engine, make_sessionmaker(engine)
