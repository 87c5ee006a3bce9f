"""Persistence: SQLAlchemy models and migrations, a content-addressed blob store, tenants and API keys.

`Store.open(settings)` gives the engine, a session factory and the blob store that the API and the CLI share.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import Engine, select, union
from sqlalchemy.orm import Session, sessionmaker

from .blobs import BlobStore, StoredBlob, TooLarge
from .db import open_store
from .models import BrandAsset, Document, Receipt
from .settings import StoreSettings

__all__ = ["BlobStore", "Store", "StoreSettings", "StoredBlob", "TooLarge"]


@dataclass
class Store:
    settings: StoreSettings
    engine: Engine
    sessionmaker: sessionmaker[Session]
    blobs: BlobStore

    @classmethod
    def open(cls, settings: StoreSettings | None = None, *, migrate: bool | None = None) -> "Store":
        settings = settings or StoreSettings.from_env()
        engine, factory = open_store(settings, migrate=migrate)
        return cls(settings, engine, factory, BlobStore(settings.blob_dir))

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessionmaker() as session:
            yield session

    def referenced_digests(self) -> set[str]:
        with self.session() as session:
            return set(session.scalars(union(select(Document.sha256), select(Receipt.sha256),
                                            select(BrandAsset.sha256))))

    def collect_garbage(self, *, older_than_seconds: float = 3600) -> list[str]:
        """Remove blobs that no row refers to (left by failed or interrupted requests)."""
        return self.blobs.collect_garbage(self.referenced_digests(), older_than_seconds=older_than_seconds)

    def close(self) -> None:
        self.engine.dispose()
