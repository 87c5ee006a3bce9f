"""Every figures test reads rate tables from a private, empty user data directory."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_rates(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRESPONDENCE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
