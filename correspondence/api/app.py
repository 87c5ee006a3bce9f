"""The FastAPI application factory (`uvicorn --factory correspondence.api.app:create_app`, or `correspondence serve`)."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI

from correspondence.casework.background import Background, background_every
from correspondence.jobs import JobLimits, JobPool
from correspondence.logs import configure as configure_logging
from correspondence.settings import Settings, settings as process_settings
from correspondence.store import Store, StoreSettings

from . import openapi, problems, ui
from .limits import BodyLimitMiddleware, RateLimiter
from .requestids import RequestIdMiddleware
from .routes import (batches, brands, cases, dispatches, documents, health, pec, plans, receipts, unmatched, webhooks,
                     wording)

MULTIPART_OVERHEAD = 64 * 1024

DESCRIPTION = """Certified dispatch tracking for debt-collection letters: cases, documents (rendered or
uploaded), dispatches by PEC / raccomandata / burofax / ..., receipts and events, legal dates with the rule
applied, and the case timeline.

Every route except `/health` needs `Authorization: Bearer <API key>`; a key sees only its tenant's data
(other tenants' ids answer 404). Errors are RFC 9457 problem details (`application/problem+json`).
Receipts and events are append-only evidence: there is no way to edit or delete them."""


def _resume_batches(app: FastAPI, store: Store) -> None:
    """Campaigns a stopped server left running resume from their journals (in the background)."""
    import threading

    from .routes.batches import batch_jobs

    def resume() -> None:
        try:
            batch_jobs(app, store, cache=False).recover()
        except Exception:  # logged, never fatal to the server
            logging.getLogger(__name__).exception("resuming batches failed")

    threading.Thread(target=resume, name="batch-recovery", daemon=True).start()


def create_app(settings: StoreSettings | None = None, *, store: Store | None = None,
               migrate: bool | None = None, jobs: JobPool | None = None,
               rate_limiter: RateLimiter | None = None, background: float | None = None,
               config: Settings | None = None) -> FastAPI:
    """Build the app. SQLite databases are migrated on start; PostgreSQL needs `correspondence db upgrade`.

    Renders run on `jobs` (default: ``CORRESPONDENCE_JOB_*`` settings, workers started on first render);
    `rate_limiter` defaults to ``CORRESPONDENCE_RATE_LIMITS``; `background` (seconds between rounds of PEC
    collection, deadline checks and webhook deliveries, 0 = off) to ``CORRESPONDENCE_BACKGROUND_EVERY``;
    `config` defaults to the process's settings."""
    config = config or process_settings()
    configure_logging(config.log_level, default="INFO")
    store = store or Store.open(settings or StoreSettings.from_env(config), migrate=migrate)
    jobs = jobs or JobPool(JobLimits.from_env(config, preload=("correspondence.pipeline",)))

    every = background_every() if background is None else background

    @asynccontextmanager
    async def lifespan(started: FastAPI) -> AsyncIterator[None]:
        worker = Background(store, every).start() if every else None  # PEC collection, deadlines, webhooks
        _resume_batches(started, store)
        yield
        if worker is not None:
            worker.stop()
        jobs.close()
        store.close()

    app = FastAPI(title="correspondence", version="1.0.0", description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # offline ones: `ui.docs`
    app.state.settings = config
    app.state.store = store
    app.state.jobs = jobs
    app.state.rate_limiter = rate_limiter or RateLimiter.from_env(config)
    problems.install(app)
    openapi.install(app)
    app.add_middleware(BodyLimitMiddleware, limit=store.settings.max_upload_bytes + MULTIPART_OVERHEAD,
                       file_limit=store.settings.max_upload_bytes)
    app.add_middleware(RequestIdMiddleware)  # outermost: every answer and every log line carries the id
    app.include_router(health.router)
    ui.install(app)
    for module in (cases, documents, dispatches, unmatched, receipts, batches, pec, webhooks):
        app.include_router(module.router, prefix="/v1")
    app.include_router(plans.router, prefix="/v1")
    app.include_router(brands.router, prefix="/v1")
    app.include_router(wording.router, prefix="/v1")
    return app
