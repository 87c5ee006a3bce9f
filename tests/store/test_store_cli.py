"""`correspondence db upgrade` and `db gc` on both backends."""
from __future__ import annotations

import os
import time

from correspondence.cli.app import main
from correspondence.store import Store, StoreSettings
from correspondence.store.db import head_revision, current_revision, make_engine


def test_db_upgrade_then_serveable_and_gc(backend_url: str, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CORRESPONDENCE_DATABASE_URL", backend_url)
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path))
    engine = make_engine(backend_url)
    assert current_revision(engine) is None
    assert main(["db", "upgrade"]) == 0
    assert f"revision {head_revision()}" in capsys.readouterr().out
    assert current_revision(engine) == head_revision()
    engine.dispose()
    store = Store.open(StoreSettings.from_env())  # no migration needed any more, also on PostgreSQL
    orphan = store.blobs.put_bytes(b"left behind by an interrupted upload")
    old = time.time() - 7200
    os.utime(store.blobs.path(orphan.sha256), (old, old))
    store.close()
    assert main(["db", "gc"]) == 0
    assert "removed 1 unreferenced blob" in capsys.readouterr().out
    assert not (tmp_path / "blobs" / orphan.sha256[:2] / orphan.sha256[2:4] / orphan.sha256).exists()


def test_db_upgrade_with_a_bad_url_is_a_clean_error(monkeypatch, capsys) -> None:
    monkeypatch.setenv("CORRESPONDENCE_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert "migration failed" in err and "Traceback" not in err
