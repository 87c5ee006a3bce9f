"""Alembic environment: uses the engine passed in by `correspondence.store.db.upgrade`."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from correspondence.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # `alembic -x url=...` from a shell, for autogenerate during development
        engine = create_engine(context.get_x_argument(as_dictionary=True)["url"])
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
