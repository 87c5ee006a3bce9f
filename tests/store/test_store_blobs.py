"""Content-addressed blob store: atomic writes, limits enforced while reading, garbage collection."""
from __future__ import annotations

import hashlib
import io
import os
import time

import pytest

from correspondence.store.blobs import BlobStore, TooLarge


def test_put_and_read_back(tmp_path) -> None:
    store = BlobStore(tmp_path)
    data = b"ricevuta di avvenuta consegna\r\n" * 100
    blob = store.put_bytes(data)
    assert blob.sha256 == hashlib.sha256(data).hexdigest() and blob.size == len(data)
    assert store.path(blob.sha256) == tmp_path / blob.sha256[:2] / blob.sha256[2:4] / blob.sha256
    assert store.read_bytes(blob.sha256) == data
    assert b"".join(store.iter_chunks(blob.sha256)) == data
    assert store.put_bytes(data) == blob  # same content, same address, stored once
    assert list(store.all_digests()) == [blob.sha256]
    assert list(store.tmp.iterdir()) == []


def test_stream_over_the_limit_leaves_nothing(tmp_path) -> None:
    store = BlobStore(tmp_path)
    reads = 0

    class Endless(io.RawIOBase):
        def read(self, n: int = -1) -> bytes:
            nonlocal reads
            reads += 1
            return b"x" * 1024 * 1024

    with pytest.raises(TooLarge) as err:
        store.put_stream(Endless(), limit=3 * 1024 * 1024)
    assert err.value.field == "file" and "3145728" in err.value.reason
    assert reads == 4  # stopped as soon as the limit was passed, not after reading everything
    assert list(store.all_digests()) == [] and list(store.tmp.iterdir()) == []


def test_failure_mid_write_leaves_no_partial_blob(tmp_path) -> None:
    store = BlobStore(tmp_path)

    def chunks():
        yield b"first part"
        raise OSError("disk gone")

    with pytest.raises(OSError):
        store.put_chunks(chunks())
    assert list(store.all_digests()) == [] and list(store.tmp.iterdir()) == []


def test_bad_digest_is_refused(tmp_path) -> None:
    with pytest.raises(ValueError):
        BlobStore(tmp_path).path("../../etc/passwd")


def test_garbage_collection_spares_referenced_and_young_blobs(tmp_path) -> None:
    store = BlobStore(tmp_path)
    kept, orphan, young = (store.put_bytes(x) for x in (b"kept", b"orphan", b"young"))
    old = time.time() - 7200
    for blob in (kept, orphan):
        os.utime(store.path(blob.sha256), (old, old))
    stale_tmp = store.tmp / "blob-stale"
    stale_tmp.write_bytes(b"half")
    os.utime(stale_tmp, (old, old))
    removed = store.collect_garbage({kept.sha256}, older_than_seconds=3600)
    assert removed == [orphan.sha256]
    assert store.exists(kept.sha256) and store.exists(young.sha256) and not store.exists(orphan.sha256)
    assert not stale_tmp.exists()
