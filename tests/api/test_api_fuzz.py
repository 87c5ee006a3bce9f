"""OpenAPI-driven fuzzing with schemathesis against the ASGI app: no input may produce a server error, and
every answer must match the documented status codes, content types and schemas.

The app is built at import time (schemathesis' pytest integration needs the schema before collection), on
SQLite and, when the server is reachable, on a PostgreSQL database that is dropped at the end of the run.
"""
from __future__ import annotations

import atexit
import tempfile
import uuid
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.app import create_app
from correspondence.store import Store, StoreSettings
from correspondence.store.apikeys import create_api_key
from tests.store.backends import PG_AVAILABLE, make_url

_TMP = Path(tempfile.mkdtemp(prefix="corr-fuzz-"))


def _app(kind: str):
    url, cleanup = make_url(kind, _TMP)
    store = Store.open(StoreSettings(database_url=url, blob_dir=_TMP / f"blobs-{kind}", max_upload_bytes=200_000),
                       migrate=True)
    atexit.register(cleanup)
    atexit.register(store.close)
    with store.session() as session:
        key = create_api_key(session, f"fuzz-{uuid.uuid4().hex[:8]}").key
    return create_app(store=store), key


SQLITE_APP, SQLITE_KEY = _app("sqlite")
sqlite_schema = schemathesis.openapi.from_asgi("/openapi.json", SQLITE_APP)
# Schema-valid data may still be refused on purpose (tax-id check digits, file magic bytes, unknown ids),
# so "positive data acceptance" is not checked; every other built-in check is (no 5xx, documented status
# codes, content types, headers and response schemas, rejection of schema-violating input, auth enforced).
EXCLUDED = [positive_data_acceptance]
FUZZ = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@sqlite_schema.parametrize()
@FUZZ
def test_no_server_errors_sqlite(case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {SQLITE_KEY}"}, excluded_checks=EXCLUDED)


if PG_AVAILABLE:
    PG_APP, PG_KEY = _app("postgresql")
    pg_schema = schemathesis.openapi.from_asgi("/openapi.json", PG_APP)

    @pg_schema.parametrize()
    @FUZZ
    def test_no_server_errors_postgresql(case) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {PG_KEY}"}, excluded_checks=EXCLUDED)
