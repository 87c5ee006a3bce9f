"""The job pool: a job over its time or memory limit fails alone; the pool keeps serving (issue 11 item 4)."""
from __future__ import annotations

import threading
import time
from typing import Iterator

import pytest

from correspondence.errors import InputError
from correspondence.jobs import JobLimitExceeded, JobLimits, JobPool, JobsBusy


@pytest.fixture(scope="module")
def pool() -> Iterator[JobPool]:
    jobs = JobPool(JobLimits(workers=2, timeout=2.0, memory_bytes=768 * 2**20, queue_timeout=10))
    jobs.start()
    try:
        yield jobs
    finally:
        jobs.close()


def test_results_and_errors_cross_the_process_boundary(pool: JobPool) -> None:
    assert pool.run(sum, [1, 2, 3]) == 6
    with pytest.raises(ValueError, match="invalid literal"):
        pool.run(int, "x")
    with pytest.raises(InputError) as info:  # InputError keeps its field and reason through pickling
        pool.run(pytest.importorskip("correspondence.casefile").build_case, {"language": "xx"})
    assert info.value.field and info.value.reason


def test_a_job_over_the_memory_limit_fails_alone(pool: JobPool) -> None:
    with pytest.raises(JobLimitExceeded) as info:
        pool.run(bytearray, 2 * 2**30)
    assert info.value.field == "case" and "768 MiB" in info.value.reason
    assert pool.run(sum, [40, 2]) == 42  # the worker was replaced


def test_a_job_over_the_time_limit_fails_alone_and_others_go_on(pool: JobPool) -> None:
    failures: list[BaseException] = []

    def slow() -> None:
        try:
            pool.run(time.sleep, 30)
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)

    thread = threading.Thread(target=slow)
    started = time.monotonic()
    thread.start()
    time.sleep(0.2)
    quick = time.monotonic()
    assert pool.run(sum, [1, 1]) == 2
    assert time.monotonic() - quick < 1.0  # served by the other worker, not queued behind the slow job
    thread.join(10)
    assert len(failures) == 1 and isinstance(failures[0], JobLimitExceeded)
    assert "2 s" in str(failures[0]) and time.monotonic() - started < 5
    assert [pool.run(sum, [i]) for i in range(4)] == [0, 1, 2, 3]


def test_a_worker_killed_while_idle_is_replaced_without_failing_the_job() -> None:
    import os
    import signal

    jobs = JobPool(JobLimits(workers=1, timeout=5, memory_bytes=None))
    try:
        assert jobs.run(os.getpid) > 0
        victim = jobs.run(os.getpid)
        os.kill(victim, signal.SIGKILL)  # the one worker this pool started
        time.sleep(0.2)
        assert jobs.run(os.getpid) not in (victim, os.getpid())
    finally:
        jobs.close()


def test_callers_wait_at_most_the_queue_timeout() -> None:
    jobs = JobPool(JobLimits(workers=1, timeout=5, memory_bytes=None, queue_timeout=0.3))
    try:
        jobs.start()
        thread = threading.Thread(target=lambda: jobs.run(time.sleep, 1.5))
        thread.start()
        time.sleep(0.3)
        with pytest.raises(JobsBusy) as info:
            jobs.run(sum, [1])
        assert info.value.retry_after >= 1
        thread.join()
        assert jobs.run(sum, [1]) == 1
    finally:
        jobs.close()


def test_limits_from_the_environment() -> None:
    limits = JobLimits.from_env({"CORRESPONDENCE_JOB_WORKERS": "3", "CORRESPONDENCE_JOB_TIMEOUT": "12.5",
                                 "CORRESPONDENCE_JOB_MEMORY_MB": "512"})
    assert (limits.workers, limits.timeout, limits.memory_bytes) == (3, 12.5, 512 * 2**20)
    from correspondence.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        JobLimits.from_env({"CORRESPONDENCE_JOB_TIMEOUT": "soon"})
