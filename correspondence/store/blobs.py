"""Content-addressed blob store on a local folder: a file's name is the SHA-256 of its bytes.

Writes go to a temporary file in the same folder, are fsynced and renamed into place, so a blob is either
complete or absent. Callers write the blob *before* committing the row that points to it: a crash in between
leaves an orphan blob (harmless, removed by `collect_garbage`), never a row pointing to a missing file.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from ..errors import ConfigurationError
from ..errors import TooLarge as _TooLarge

CHUNK = 1024 * 1024
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int


class TooLarge(_TooLarge):
    """More bytes than the configured limit; raised while reading, before the whole input is consumed."""

    def __init__(self, field: str, limit: int) -> None:
        super().__init__(field, f"larger than the limit of {limit} bytes")
        self.limit = limit


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        try:
            self.tmp.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(f"cannot create blob folder {self.root}: {exc.strerror}") from None

    def path(self, sha256: str) -> Path:
        if not _HEX64.match(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put_bytes(self, data: bytes) -> StoredBlob:
        return self.put_chunks([data])

    def put_stream(self, stream: BinaryIO, *, limit: int | None = None, field: str = "file") -> StoredBlob:
        """Copy a file object into the store, refusing it as soon as it exceeds `limit` bytes."""
        return self.put_chunks(iter(lambda: stream.read(CHUNK), b""), limit=limit, field=field)

    def put_chunks(self, chunks: Iterable[bytes], *, limit: int | None = None, field: str = "file") -> StoredBlob:
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="blob-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise TooLarge(field, limit)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.path(sha)
            if final.is_file():  # already stored: content addressing makes the copy redundant
                os.unlink(tmp_name)
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp_name, final)
            return StoredBlob(sha, size)
        except BaseException:
            try:
                os.unlink(tmp_name)
            except FileNotFoundError:
                pass
            raise

    def read_bytes(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def read_verified(self, sha256: str) -> bytes:
        """The blob's bytes, checked against their address: evidence is used only as it was stored."""
        try:
            data = self.read_bytes(sha256)
        except FileNotFoundError:
            raise ConfigurationError(f"stored file {sha256} is missing from the blob store") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ConfigurationError(f"stored file {sha256} does not match its SHA-256 (damaged storage)")
        return data

    def iter_chunks(self, sha256: str) -> Iterator[bytes]:
        with self.path(sha256).open("rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk

    def all_digests(self) -> Iterator[str]:
        for path in self.root.glob("??/??/*"):
            if _HEX64.match(path.name):
                yield path.name

    def collect_garbage(self, referenced: set[str], *, older_than_seconds: float = 3600) -> list[str]:
        """Delete blobs no row refers to, and stale temporary files. Young files are spared: their rows may
        be in a transaction that has not committed yet."""
        cutoff = time.time() - older_than_seconds
        removed = []
        for sha in list(self.all_digests()):
            path = self.path(sha)
            if sha not in referenced and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed.append(sha)
        for tmp in self.tmp.iterdir():
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink(missing_ok=True)
        return removed
