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
import uuid
from functools import lru_cache
from typing import Any, Iterator, Optional

from ..errors import ConfigurationError
from ..settings import settings

TASK_NAME = "correspondence.campaign.produce"


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


class _Stopped(Exception):
    """Raised from the result consumer's callback once a stopped campaign has nothing left in flight."""


def run_on_queue(jobs: list[Any], sign_level: Optional[str], stop: Any) -> Iterator[Any]:
    """Send one task per job, yield each `Produced` as it comes back; on stop, revoke what has not started
    and yield what is in flight.

    Results are taken by the backend's own consumer (one subscription on Redis, the reply queue on
    `rpc://`), not asked for one by one: polling each result's state made the coordinator declare the
    reply queue again for every check (7,478 declarations for 200 letters), which kept RabbitMQ and the
    coordinator busy on the cores the workers needed."""
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
    # A task id of this run's own: workers remember revoked ids, so after a Ctrl-C the rerun's tasks for
    # the same cases must not carry the ids revoked then (the journal, not the id, keeps a letter single).
    run_id = uuid.uuid4().hex[:12]
    sent = {task.apply_async((job.to_json(), sign_level),
                             task_id=f"{job.fingerprint[:32]}-{job.stem}-{run_id}").id: job for job in jobs}
    waiting, started = set(sent), set()
    revoked = False

    def on_message(meta: dict[str, Any]) -> None:  # every state the consumer sees (task_track_started)
        if meta.get("status") == "STARTED":
            started.add(meta["task_id"])

    def on_interval() -> None:  # at least once a second, and after each result
        nonlocal revoked
        if not stop.requested:
            return
        if not revoked:
            revoked = True
            not_started = list(waiting - started)
            if not_started:
                app.control.revoke(not_started)  # left for the rerun
        if not waiting & started:
            raise _Stopped

    results = app.ResultSet([app.AsyncResult(task_id) for task_id in sent])
    try:
        for task_id, meta in results.iter_native(on_message=on_message, on_interval=on_interval):
            waiting.discard(task_id)
            if meta["status"] == "SUCCESS":
                yield Produced.from_json(meta["result"])
            elif meta["status"] != "REVOKED":
                yield Produced(sent[task_id].stem, error=f"worker task failed: {meta.get('result')!r}")
            app.AsyncResult(task_id).forget()
            on_interval()
    except _Stopped:
        pass
    finally:
        if waiting:
            app.control.revoke(list(waiting))


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


def start_worker(*, concurrency: int = 1, pool: str = "threads", loglevel: str = "warning",
                 name: Optional[str] = None) -> None:
    """Run a worker in this process until it is stopped (SIGTERM: warm shutdown after the task at hand).

    The default pool runs the task in a thread of its own, one at a time: on the solo pool the task runs
    inside the worker's event loop, and on RabbitMQ solo workers sat idle 1-2 s at a time with their next
    task already delivered (9 to 14 times per 200 letters each), so two made 1.1-1.4x one; on threads, 1.7-2.0x
    (bench/README.md, Campaigns)."""
    app = celery_app(broker_url(), queue_name())
    app.worker_main(["worker", f"--pool={pool}", f"--concurrency={concurrency}", f"--loglevel={loglevel}",
                     f"--queues={queue_name()}", f"--hostname={node_name(name)}", "--without-gossip",
                     "--without-mingle"])
