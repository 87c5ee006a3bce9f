"""Where the store keeps its data: database URL, blob folder and upload limit, from the `Settings`.

Zero configuration gives an SQLite file and a blob folder under ``$CORRESPONDENCE_HOME`` (default ``./var``);
production points ``CORRESPONDENCE_DATABASE_URL`` at PostgreSQL and ``CORRESPONDENCE_BLOB_DIR`` at a shared volume.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Union

from ..settings import DEFAULT_MAX_UPLOAD_BYTES, Settings, resolve


@dataclass(frozen=True)
class StoreSettings:
    database_url: str
    blob_dir: Path
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES

    @classmethod
    def from_env(cls, env: Union[Settings, Mapping[str, str], None] = None) -> "StoreSettings":
        """The store of `env` (a `Settings`, a mapping of variables, or by default the process's settings)."""
        config = resolve(env)
        return cls(database_url=normalise_url(config.database), blob_dir=config.blobs,
                   max_upload_bytes=config.max_upload_bytes)

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
