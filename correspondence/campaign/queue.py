"""Campaigns on Celery: one task per case, on RabbitMQ or Redis, for workers on any number of machines.

Workers are stateless: a task carries the validated case as JSON and returns the letter's bytes and figures;
the coordinator (`run.py`) writes and journals the files, so a task that runs twice (a worker killed after
rendering: late acknowledgement redelivers it) still gives one letter. Each worker process loads the signing
key once (`pipeline.server_key`: $CORRESPONDENCE_SIGNING_P12, else the demo certificate); keys never cross the
broker. Broker: $CORRESPONDENCE_BROKER_URL (default the local Redis); results: $CORRESPONDENCE_RESULT_BACKEND
(default the same Redis, or `rpc://` for an AMQP broker).

RabbitMQ gives a killed worker's unacknowledged task to another worker as soon as the connection drops.
Redis has no such signal: a task taken and not acknowledged goes back to the queue after
$CORRESPONDENCE_VISIBILITY_TIMEOUT seconds (default 300). It must exceed the longest a task may be held
before its acknowledgement (with late acknowledgement: waiting in the worker's prefetch plus rendering and
signing one letter, a timestamp authority included), or a slow task is run a second time meanwhile (still
one letter: the coordinator writes and journals each case once); shorter means a killed worker's letter
comes back sooner.
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Iterator, Optional

from ..errors import ConfigurationError
from ..settings import settings

TASK_NAME = "correspondence.campaign.produce"
RESULT_TIMEOUT_S = 600.0
POLL_WINDOW = 64  # results are polled oldest first, a window at a time: tasks finish roughly in order


def queue_name() -> str:
    """The queue campaigns use ($CORRESPONDENCE_QUEUE, default `correspondence`): one per environment."""
    return settings().queue


def broker_url() -> str:
    return settings().broker


def backend_url(broker: str) -> str:
    configured = settings().result_backend
    if configured:
        return configured
    return broker if broker.startswith(("redis://", "rediss://")) else "rpc://"


@lru_cache(maxsize=None)
def celery_app(broker: Optional[str] = None, queue: Optional[str] = None) -> Any:
    """The Celery app for a broker URL (one per process), with the task registered."""
    from celery import Celery

    broker, queue = broker or broker_url(), queue or queue_name()
    app = Celery("correspondence", broker=broker, backend=backend_url(broker))
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        task_acks_late=True, task_reject_on_worker_lost=True,  # a killed worker's task is redelivered
        worker_prefetch_multiplier=1, task_track_started=True, task_default_queue=queue, result_expires=24 * 3600,
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        broker_transport_options=_transport_options(settings().visibility_timeout),
    )
    app.task(name=TASK_NAME, acks_late=True, reject_on_worker_lost=True)(_produce_task)
    return app


def _transport_options(visibility_timeout: int) -> dict[str, int]:
    """Redis: unacknowledged tasks older than the timeout are looked for every tenth of it (at most every
    10 s), so a killed worker's task comes back about `visibility_timeout` seconds after it was taken."""
    return {"visibility_timeout": visibility_timeout,
            "unacked_restore_interval": max(1, min(10, visibility_timeout // 10)), "unacked_restore_throttle": 1}


def _produce_task(job: dict[str, Any], sign_level: Optional[str] = None) -> dict[str, Any]:
    from .production import Job, produce_job

    signing = _worker_signing(sign_level) if sign_level else None
    return produce_job(Job.from_json(job), signing).to_json()


@lru_cache(maxsize=8)
def _worker_signing(level: str) -> Any:
    from ..pipeline import server_signing

    return server_signing(level)  # the key itself is cached per process by `server_key`


def run_on_queue(jobs: list[Any], sign_level: Optional[str], stop: Any) -> Iterator[Any]:
    """Send one task per job, yield each `Produced` as it comes back; on stop, revoke what has not started."""
    from .production import Produced

    if not jobs:
        return
    app = celery_app(broker_url(), queue_name())
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=5)
    except Exception as exc:  # kombu raises its own OperationalError family
        raise ConfigurationError(f"cannot reach the Celery broker at {_safe(broker_url())}: {exc}") from None
    task = app.tasks[TASK_NAME]
    results = {task.apply_async((job.to_json(), sign_level), task_id=f"{job.fingerprint[:32]}-{job.stem}").id: job for job in jobs}
    pending = [app.AsyncResult(task_id) for task_id in results]
    revoked = False
    try:
        while pending:
            if stop.requested and not revoked:
                revoked = True
                for r in pending:
                    if r.state == "PENDING":
                        r.revoke()
            still, window = [], pending[:POLL_WINDOW]
            for r in window:
                if r.ready():
                    if r.successful():
                        yield Produced.from_json(r.get(timeout=RESULT_TIMEOUT_S))
                    elif r.state != "REVOKED":
                        yield Produced(results[r.id].stem, error=f"worker task failed: {r.result!r}")
                    r.forget()
                elif revoked and r.state == "PENDING":
                    continue  # revoked before a worker took it: left for the rerun
                else:
                    still.append(r)
            pending = still + pending[POLL_WINDOW:]
            if pending:
                import time

                time.sleep(0.05)
    finally:
        for r in pending:
            r.revoke()


def _safe(url: str) -> str:
    """The broker URL without its password, for messages."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def node_name(name: Optional[str] = None) -> str:
    """The worker's node name, unique on the broker. Celery names every worker `celery@HOST` by default, and
    on RabbitMQ a second worker of that name on the same machine cannot open its remote-control queue
    (exclusive: RESOURCE_LOCKED) and stops at start-up, so two workers on one machine ran as one. The
    default adds the process id; Celery replaces `%h` with the host name."""
    return name or f"correspondence-{os.getpid()}@%h"


def start_worker(*, concurrency: int = 1, pool: str = "solo", loglevel: str = "warning",
                 name: Optional[str] = None) -> None:
    """Run a worker in this process until it is stopped (SIGTERM: warm shutdown after the task at hand)."""
    app = celery_app(broker_url(), queue_name())
    app.worker_main(["worker", f"--pool={pool}", f"--concurrency={concurrency}", f"--loglevel={loglevel}",
                     f"--queues={queue_name()}", f"--hostname={node_name(name)}", "--without-gossip",
                     "--without-mingle"])
