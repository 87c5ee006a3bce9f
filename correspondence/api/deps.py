"""FastAPI dependencies: the store, a database session per request, and the authenticated tenant."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Iterator

from fastapi import Depends, Header, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from correspondence.jobs import JobPool
from correspondence.store import Store
from correspondence.store.apikeys import authenticate

from .problems import Problem

bearer = HTTPBearer(auto_error=False, description="API key created with `correspondence apikey create`",
                    scheme_name="ApiKey")


@dataclass(frozen=True)
class Principal:
    tenant_id: uuid.UUID
    tenant_name: str


async def get_store(request: Request) -> Store:
    """Async on purpose: no I/O, so no trip through the thread pool."""
    store: Store = request.app.state.store  # set by create_app
    return store


async def get_jobs(request: Request) -> JobPool:
    """The pool that renders off the request thread, under a time and memory limit per job."""
    jobs: JobPool = request.app.state.jobs  # set by create_app
    return jobs


def get_session(store: Annotated[Store, Depends(get_store)]) -> Iterator[Session]:
    with store.session() as session:
        yield session


def current_tenant(
    session: Annotated[Session, Depends(get_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Principal:
    """401 unless the request carries a valid, unrevoked key (``Authorization: Bearer ck_...``)."""
    challenge = {"WWW-Authenticate": 'Bearer realm="correspondence"'}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Problem(401, "send an API key as 'Authorization: Bearer <key>'", slug="unauthenticated",
                      headers=challenge)
    tenant = authenticate(session, credentials.credentials)
    if tenant is None:
        raise Problem(401, "the API key is not valid", slug="unauthenticated", headers=challenge)
    principal = Principal(tenant.id, tenant.name)
    session.rollback()  # end the read transaction: write paths start their own
    return principal


def idempotency_key(key: Annotated[str | None, Header(
        alias="Idempotency-Key", pattern=r"^[\x21-\x7e]{1,200}$",
        description="Optional: retrying a create with the same key and body returns the first result (200)",
)] = None) -> str | None:
    return key


SessionDep = Annotated[Session, Depends(get_session)]
IdempotencyDep = Annotated[str | None, Depends(idempotency_key)]
TenantDep = Annotated[Principal, Depends(current_tenant)]
StoreDep = Annotated[Store, Depends(get_store)]
JobsDep = Annotated[JobPool, Depends(get_jobs)]
