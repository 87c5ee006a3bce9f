"""`correspondence apikey list` and `apikey revoke` (issue 11 item 8): a revoked key answers 401 at once,
the tenant's other keys keep working, and no secret is ever printed by `list`."""
from __future__ import annotations

from fastapi.testclient import TestClient

from correspondence.api.app import create_app
from correspondence.cli.app import main
from correspondence.store import Store, StoreSettings


def test_list_and_revoke_keys(backend_url: str, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CORRESPONDENCE_DATABASE_URL", backend_url)
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path))
    assert main(["db", "upgrade"]) == 0
    keys = []
    for tenant, label in (("Studio Rossi", "gestionale"), ("Studio Rossi", None), ("Despacho Ruiz", "erp")):
        capsys.readouterr()
        assert main(["apikey", "create", "--tenant", tenant] + (["--label", label] if label else [])) == 0
        keys.append(capsys.readouterr().out.strip())
    ids = [key.split("_")[1] for key in keys]
    capsys.readouterr()
    assert main(["apikey", "list"]) == 0
    listing = capsys.readouterr().out
    assert all(key_id in listing for key_id in ids) and "gestionale" in listing and listing.count("active") == 3
    assert not any(key.split("_", 2)[2] in listing for key in keys)  # secrets are not stored, never shown
    assert main(["apikey", "list", "--tenant", "Despacho Ruiz"]) == 0
    assert capsys.readouterr().out.count("\n") == 1

    store = Store.open(StoreSettings.from_env())
    try:
        client = TestClient(create_app(store=store))

        def status(key: str) -> int:
            return client.get("/v1/cases", headers={"Authorization": f"Bearer {key}"}).status_code

        assert [status(k) for k in keys] == [200, 200, 200]
        assert main(["apikey", "revoke", ids[0]]) == 0
        assert f"key {ids[0]} of tenant Studio Rossi revoked" in capsys.readouterr().out
        assert [status(k) for k in keys] == [401, 200, 200]
        assert main(["apikey", "revoke", keys[0]]) == 0  # the whole key works too; revoking twice is harmless
        capsys.readouterr()
        assert main(["apikey", "list", "--tenant", "Studio Rossi"]) == 0
        listing = capsys.readouterr().out.splitlines()
        assert sum("revoked" in line for line in listing) == 1 and sum("active" in line for line in listing) == 1
        assert main(["apikey", "revoke", "0123456789ab"]) == 2
        assert "key_id: no API key with id 0123456789ab" in capsys.readouterr().err
        assert main(["apikey", "revoke", "nonsense"]) == 2
    finally:
        store.close()
