"""A bounded pool of worker processes for expensive jobs (rendering, signing), with limits per job.

One oversized job must not stall everyone else: each job runs in its own process under an address-space
limit (RLIMIT_AS) and a wall-clock timeout. A job over a limit fails alone with `JobLimitExceeded`; its
worker is killed and replaced, the pool keeps serving, and jobs on the other workers never notice.
Workers exit by themselves when their parent dies (they poll it), so killing a server or a batch never
leaves orphans behind. The callable and its arguments cross the process boundary, so they must be
picklable (a module-level function and plain data).
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import resource
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Callable, Mapping, Optional, TypeVar, cast

from .errors import ConfigurationError, CorrespondenceError, InputError

T = TypeVar("T")
_CONTEXT = multiprocessing.get_context("spawn")  # never fork a threaded server
PARENT_POLL_SECONDS = 0.5


class JobLimitExceeded(InputError):
    """The job needed more time or memory than one job may use (the input is too big to process)."""


class JobsBusy(CorrespondenceError):
    """Every worker stayed busy for longer than a caller may wait: retry after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"all workers are busy; retry in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class JobLimits:
    """Pool size and per-job limits; `from_env` reads ``CORRESPONDENCE_JOB_*`` variables."""

    workers: int = 2
    timeout: float = 60.0  # seconds of wall-clock time per job
    memory_bytes: Optional[int] = 2048 * 1024 * 1024  # address space per worker (None: unlimited)
    queue_timeout: float = 30.0  # how long a caller waits for a free worker
    preload: tuple[str, ...] = ()  # modules each worker imports before its first job

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **defaults: Any) -> "JobLimits":
        env = os.environ if env is None else env
        base = cls(**defaults)

        def number(name: str, current: float | None) -> float | None:
            raw = env.get(f"CORRESPONDENCE_JOB_{name}")
            if not raw:
                return current
            try:
                value = float(raw)
            except ValueError:
                raise ConfigurationError(f"CORRESPONDENCE_JOB_{name} must be a number, not {raw!r}") from None
            if value <= 0:
                raise ConfigurationError(f"CORRESPONDENCE_JOB_{name} must be positive")
            return value

        memory_mb = number("MEMORY_MB", base.memory_bytes / 2**20 if base.memory_bytes else None)
        return cls(workers=int(number("WORKERS", base.workers) or 1), timeout=number("TIMEOUT", base.timeout) or 1,
                   memory_bytes=int(memory_mb * 2**20) if memory_mb else None,
                   queue_timeout=number("QUEUE_TIMEOUT", base.queue_timeout) or 1, preload=base.preload)


def exit_with_parent() -> None:
    """In a worker process: exit as soon as the parent is gone (killed, crashed), from a watchdog thread."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _worker_main(conn: Connection, memory_bytes: Optional[int], preload: tuple[str, ...]) -> None:
    exit_with_parent()
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    import importlib

    for name in preload:
        importlib.import_module(name)
    conn.send(("ready", None))
    while True:
        try:
            fn, args, kwargs = conn.recv()
        except EOFError:
            return
        try:
            reply: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except MemoryError:
            reply = ("memory", None)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            reply = ("error", exc)
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))
        except Exception:  # an unpicklable result or exception
            conn.send(("error", CorrespondenceError(f"{type(reply[1]).__name__}: {reply[1]}")))


class _Worker:
    def __init__(self, limits: JobLimits) -> None:
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_worker_main, args=(child, limits.memory_bytes, limits.preload),
                                        daemon=True, name="correspondence-job")
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        if not self.ready and self.conn.poll(timeout):
            try:
                self.ready = self.conn.recv()[0] == "ready"
            except EOFError:
                return False
        return self.ready

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class JobPool:
    """`run(fn, *args)` runs ``fn(*args)`` on a free worker and returns its result (thread-safe)."""

    STARTUP_SECONDS = 120.0

    def __init__(self, limits: JobLimits | None = None) -> None:
        self.limits = limits or JobLimits()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False

    def start(self) -> None:
        """Start the workers now (otherwise on first use)."""
        with self._lock:
            if self._closed:
                raise ConfigurationError("the job pool is closed")
            if not self._started:
                for _ in range(max(1, self.limits.workers)):
                    self._idle.put(_Worker(self.limits))
                self._started = True

    def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        self.start()
        for _attempt in range(2):  # a worker found dead before the job reached it is replaced, once
            try:
                worker = self._idle.get(timeout=self.limits.queue_timeout)
            except queue.Empty:
                raise JobsBusy(max(1, round(self.limits.timeout / 2))) from None
            healthy = False
            status: str
            value: Any  # fn's result, or the exception it raised, as the worker sent it back
            try:
                status, value = (self._exchange(worker, fn, args, kwargs)
                                 if worker.wait_ready(self.STARTUP_SECONDS) else ("dead", None))
                healthy = status in ("ok", "error")
            finally:
                self._idle.put(worker if healthy else self._replace(worker))
            if status != "dead":
                break
        else:
            raise ConfigurationError("job workers fail to start")
        if status == "timeout":
            raise JobLimitExceeded("case", f"processing it takes longer than the {self.limits.timeout:g} s one job "
                                           "may take")
        if status == "memory":
            raise JobLimitExceeded("case", f"processing it needs more than the {self._memory()} one job may use")
        if status == "error":
            raise value
        return cast(T, value)  # what fn returned, unpickled

    def _exchange(self, worker: _Worker, fn: Callable[..., Any], args: tuple[Any, ...],
                  kwargs: dict[str, Any]) -> tuple[str, Any]:
        try:
            worker.conn.send((fn, args, kwargs))
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            return "error", TypeError(f"job is not picklable: {exc}")
        except OSError:  # the worker died while idle: the job never started
            return "dead", None
        if not worker.conn.poll(self.limits.timeout):
            return "timeout", None
        try:
            answer: tuple[str, Any] = worker.conn.recv()  # the worker sends (status, value)
            return answer
        except (EOFError, OSError):  # killed by the kernel (OOM) or crashed in native code
            return "memory", None
        except Exception as exc:  # noqa: BLE001 - a result or exception that does not unpickle here
            return "error", CorrespondenceError(f"the job's answer could not be read: {exc}")

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        return _Worker(self.limits)

    def _memory(self) -> str:
        return f"{self.limits.memory_bytes // 2**20} MiB" if self.limits.memory_bytes else "memory"

    def close(self) -> None:
        with self._lock:
            self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return
