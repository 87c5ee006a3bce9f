"""Browser tests of the staff pages: the real app under uvicorn (a subprocess on a free port, a temporary
SQLite database and blob folder), driven by Debian's Chromium through Playwright. One server and one browser
per session; each test gets a new tenant, key and browser context."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from correspondence.store import Store, StoreSettings
from correspondence.store.apikeys import create_api_key
from tests.casedata import example
from tests.ports import free_port
from tests.processes import wait_healthy

CHROMIUM = Path("/usr/bin/chromium")  # Debian's, installed by scripts/setup (scripts/system-packages.txt)


@dataclass
class Server:
    url: str
    store: Store
    env: dict[str, str]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("ui")
    env = {**os.environ, "CORRESPONDENCE_HOME": str(tmp), "CORRESPONDENCE_DATABASE_URL": f"sqlite:///{tmp}/ui.sqlite3",
           "CORRESPONDENCE_BLOB_DIR": str(tmp / "blobs"), "CORRESPONDENCE_JOB_WORKERS": "1"}
    store = Store.open(StoreSettings.from_env(env), migrate=True)
    port = free_port()
    log = (tmp / "uvicorn.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "correspondence.api.app:create_app",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_healthy(url, proc, timeout=60):
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited: {(tmp / 'uvicorn.log').read_text()[-2000:]}")
            raise RuntimeError("uvicorn did not start in 60 s")
        yield Server(url, store, env)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        store.close()
        shutil.rmtree(tmp / "blobs", ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module scope: Playwright's sync API keeps an event loop running in this thread while it is open, and
    the synchronous signing API (rightly) refuses to run inside one, so the browser must be closed before
    an xdist worker moves on to other test files."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup installs it)")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield chromium
        finally:
            chromium.close()


class Tenant:
    """A new tenant with its API key, and shortcuts to set up data through the HTTP API."""

    def __init__(self, server: Server) -> None:
        with server.store.session() as session:
            issued = create_api_key(session, f"ui-{uuid.uuid4().hex[:10]}")
        self.key = issued.key
        self.name = issued.tenant.name
        self.http = httpx.Client(base_url=f"{server.url}/v1", headers={"Authorization": f"Bearer {self.key}"},
                                 timeout=60)

    def case(self, language: str = "it", **changes: Any) -> dict[str, Any]:
        r = self.http.post("/cases", json=json.loads(json.dumps(example(language, **changes), default=str)))
        assert r.status_code == 201, r.text
        return r.json()

    def document(self, case_id: str) -> dict[str, Any]:
        pdf = b"%PDF-1.4\n% ui test " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
        r = self.http.post("/documents", files={"file": ("letter.pdf", pdf, "application/pdf")},
                           data={"case_id": case_id})
        assert r.status_code == 201, r.text
        return r.json()

    def dispatch(self, case_id: str, **fields: Any) -> dict[str, Any]:
        doc = self.document(case_id)
        r = self.http.post("/dispatches", json={"case_id": case_id, "document_id": doc["id"], **fields})
        assert r.status_code == 201, r.text
        return r.json()


@pytest.fixture
def tenant(server: Server) -> Iterator[Tenant]:
    t = Tenant(server)
    yield t
    t.http.close()


@pytest.fixture
def other_tenant(server: Server) -> Iterator[Tenant]:
    t = Tenant(server)
    yield t
    t.http.close()


@pytest.fixture
def context(browser: Any, server: Server) -> Iterator[Any]:
    ctx = browser.new_context(base_url=server.url, locale="en-GB")
    ctx.set_default_timeout(30_000)
    try:
        yield ctx
    finally:
        ctx.close()


def sign_in(page: Any, key: str) -> None:
    page.goto("/ui/login")
    page.get_by_label("API key of your office").fill(key)
    page.locator("form:has(#api_key)").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/ui/cases")
