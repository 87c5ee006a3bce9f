"""CLI commands: `serve` (the HTTP API under uvicorn), `apikey create|list|revoke`, `db upgrade`, `db gc`.

This module never imports FastAPI: uvicorn loads the app factory `correspondence.api.app:create_app` by name.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import typer

from ..errors import ConfigurationError

if TYPE_CHECKING:
    from ..store.settings import StoreSettings


def _settings() -> StoreSettings:  # imported lazily to keep `--help` fast
    from ..store.settings import StoreSettings

    return StoreSettings.from_env()


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8000, min=1, max=65535),
    workers: int = typer.Option(1, min=1, max=64, help="Worker processes (PostgreSQL recommended if > 1)"),
    log_level: str = typer.Option("info", help="uvicorn log level"),
) -> None:
    """Run the HTTP API. SQLite databases are migrated on start; run `db upgrade` first for PostgreSQL."""
    import uvicorn

    from ..store import Store

    settings = _settings()
    if workers > 1 and settings.is_sqlite:
        Store.open(settings).close()  # migrate once, before workers race to do it
    uvicorn.run("correspondence.api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level=log_level)


def apikey_create(
    tenant: str = typer.Option(..., "--tenant", help="Tenant (firm) name; created if new"),
    label: Optional[str] = typer.Option(None, help="What the key is for (shown in audits)"),
) -> None:
    """Create an API key for TENANT and print it once (only its hash is stored)."""
    from ..store import Store

    store = Store.open(_settings())
    try:
        from ..store.apikeys import create_api_key

        with store.session() as session:
            issued = create_api_key(session, tenant, label=label)
        typer.echo(issued.key)
        typer.echo(f"tenant {issued.tenant.name}; key id {issued.key_id}; store it now, it is not shown again",
                   err=True)
    finally:
        store.close()


def apikey_list(tenant: Optional[str] = typer.Option(None, "--tenant", help="Only this tenant's keys")) -> None:
    """List API keys: id, tenant, created, revoked, label (secrets are never stored, so never shown)."""
    from ..store import Store
    from ..store.apikeys import list_api_keys

    store = Store.open(_settings())
    try:
        with store.session() as session:
            keys = list_api_keys(session, tenant)
        for key in keys:
            state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}Z" if key.revoked_at else "active"
            typer.echo(f"{key.key_id}  {key.tenant}  created {key.created_at:%Y-%m-%d %H:%M}Z  {state}"
                       f"{'  ' + key.label if key.label else ''}")
        if not keys:
            typer.echo("no API keys", err=True)
    finally:
        store.close()


def apikey_revoke(key_id: str = typer.Argument(..., help="Key id from `apikey list` (or the whole key)")) -> None:
    """Revoke an API key: requests with it answer 401 from now on. Revocation cannot be undone."""
    from ..store import Store
    from ..store.apikeys import revoke_api_key

    store = Store.open(_settings())
    try:
        with store.session() as session:
            key = revoke_api_key(session, key_id)
        typer.echo(f"key {key.key_id} of tenant {key.tenant} revoked at {key.revoked_at:%Y-%m-%d %H:%M:%S}Z")
    finally:
        store.close()


def db_upgrade() -> None:
    """Apply the database migrations (required for PostgreSQL before `serve`)."""
    from ..store.db import current_revision, make_engine, upgrade

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        typer.echo(f"database at revision {current_revision(engine)}")
    except ConfigurationError:
        raise
    except Exception as exc:
        raise ConfigurationError(f"migration failed: {exc}") from None
    finally:
        engine.dispose()


def db_gc(older_than: int = typer.Option(3600, help="Spare blobs younger than this many seconds")) -> None:
    """Delete blobs no record refers to (left by interrupted uploads)."""
    from ..store import Store

    store = Store.open(_settings())
    try:
        removed = store.collect_garbage(older_than_seconds=older_than)
        typer.echo(f"removed {len(removed)} unreferenced blob(s)")
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("serve")(serve)
    apikey = typer.Typer(help="API keys (one tenant each).", no_args_is_help=True)
    apikey.command("create")(apikey_create)
    apikey.command("list")(apikey_list)
    apikey.command("revoke")(apikey_revoke)
    app.add_typer(apikey, name="apikey")
    db = typer.Typer(help="Database maintenance.", no_args_is_help=True)
    db.command("upgrade")(db_upgrade)
    db.command("gc")(db_gc)
    app.add_typer(db, name="db")
