"""Where the store keeps its data: database URL, blob folder and upload limit, read from the environment.

Zero configuration gives an SQLite file and a blob folder under ``$CORRESPONDENCE_HOME`` (default ``./var``);
production points ``CORRESPONDENCE_DATABASE_URL`` at PostgreSQL and ``CORRESPONDENCE_BLOB_DIR`` at a shared volume.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ConfigurationError

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class StoreSettings:
    database_url: str
    blob_dir: Path
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "StoreSettings":
        env = dict(os.environ if env is None else env)
        home = Path(env.get("CORRESPONDENCE_HOME") or "var")
        url = env.get("CORRESPONDENCE_DATABASE_URL") or f"sqlite:///{(home / 'correspondence.sqlite3').as_posix()}"
        blob_dir = Path(env.get("CORRESPONDENCE_BLOB_DIR") or home / "blobs")
        raw_limit = env.get("CORRESPONDENCE_MAX_UPLOAD_BYTES") or str(DEFAULT_MAX_UPLOAD_BYTES)
        try:
            limit = int(raw_limit)
        except ValueError:
            raise ConfigurationError(f"CORRESPONDENCE_MAX_UPLOAD_BYTES must be an integer, not {raw_limit!r}") from None
        if limit <= 0:
            raise ConfigurationError("CORRESPONDENCE_MAX_UPLOAD_BYTES must be positive")
        return cls(database_url=normalise_url(url), blob_dir=blob_dir, max_upload_bytes=limit)

    def with_(self, **changes: object) -> "StoreSettings":
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (SQLAlchemy would otherwise look for psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
