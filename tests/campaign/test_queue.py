"""A campaign through a real Celery worker process on the local broker: signed letters, one task per case."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from correspondence.campaign import queue as campaign_queue
from correspondence.cli.app import main
from correspondence.sign import ensure_demo_signer, verify_pdf
from tests.campaign.helpers import template
from tests.processes import stop_group
from tests.textutil import pdf_flat

BROKERS = {"redis": "redis://127.0.0.1:6379/0", "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//"}


def _reachable(url: str) -> bool:
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


def _environment(tmp_path, monkeypatch, url: str) -> dict[str, str]:
    if not _reachable(url):
        pytest.skip(f"{url.split(':')[0]} broker is not running on this machine")
    env = {**os.environ, "CORRESPONDENCE_HOME": str(tmp_path / "home"), "CORRESPONDENCE_BROKER_URL": url,
           "CORRESPONDENCE_QUEUE": f"test-{uuid.uuid4().hex[:12]}"}
    for key in ("CORRESPONDENCE_BROKER_URL", "CORRESPONDENCE_QUEUE", "CORRESPONDENCE_HOME"):
        monkeypatch.setenv(key, env[key])
    campaign_queue.celery_app.cache_clear()
    return env


def _start(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "correspondence", "worker"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _drop_queue(env: dict[str, str]) -> None:
    from kombu import Connection

    with Connection(env["CORRESPONDENCE_BROKER_URL"], connect_timeout=2) as conn:
        try:
            conn.default_channel.queue_delete(env["CORRESPONDENCE_QUEUE"])
        except Exception:
            pass  # never declared (e.g. the test failed before sending)
    campaign_queue.celery_app.cache_clear()


@pytest.fixture(params=sorted(BROKERS))
def worker(request, tmp_path, monkeypatch):
    env = _environment(tmp_path, monkeypatch, BROKERS[request.param])
    proc = _start(env)
    try:
        yield tmp_path / "home", proc
    finally:
        stop_group(proc)
        _drop_queue(env)


def test_campaign_on_a_celery_worker(worker, tmp_path, capsys):
    home, proc = worker
    folder = template(tmp_path / "tpl")
    out = tmp_path / "out"
    code = main(["batch", str(folder / "debtors.csv"), "--mapping", str(folder / "mapping.yaml"), "--kind",
                 "second_demand", "-o", str(out), "--queue", "--sign"])
    assert code == 0, capsys.readouterr().err
    assert proc.poll() is None  # the worker is still up, serving
    _p12, _password, ca = ensure_demo_signer(home / "demo-cert")  # the worker signed with the demo key there
    signed = sorted(out.glob("*.signed.pdf"))
    assert [p.name for p in signed] == ["IT00743110157.signed.pdf", "IT01234560017.signed.pdf",
                                        "RSSMRA85T10A562S.signed.pdf"]
    for path in signed:
        assert verify_pdf(path.read_bytes(), [ca], allow_fetching=False).valid
    assert "Mario Rossi" in pdf_flat((out / "RSSMRA85T10A562S.signed.pdf").read_bytes())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["summary"]["done"] == 3 and manifest["summary"]["signed"] == "B-B"
    # a rerun finds everything done and sends nothing to the broker
    assert main(["batch", str(folder / "debtors.csv"), "--mapping", str(folder / "mapping.yaml"), "--kind",
                 "second_demand", "-o", str(out), "--queue", "--sign"]) == 0
    assert "3 from an earlier run" in capsys.readouterr().out


def test_ctrl_c_on_a_queued_campaign_finishes_what_is_in_flight_and_the_rerun_completes(worker, tmp_path):
    """Ctrl-C revokes the tasks no worker has started, waits for those in flight, writes the manifest; the
    rerun on the same worker (which remembers the revoked ids) produces the rest and redoes nothing."""
    from tests.campaign.helpers import interrupt_batch, spanish_export
    from tests.campaign.test_run import _many_rows

    _home, proc = worker
    source, mapping = spanish_export(tmp_path / "in", _many_rows(30))
    out = tmp_path / "out"
    env = {**os.environ}
    cmd = [sys.executable, "-m", "correspondence", "batch", str(source), "--mapping", str(mapping), "-o", str(out),
           "--queue"]
    done, seconds = interrupt_batch(cmd, env, out)
    assert seconds < 15  # not the whole campaign: the rest was revoked
    assert 2 <= len(done) < 30
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted(c["files"][0]["name"] for c in done)
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(done)} from an earlier run" in rerun.stdout
    assert proc.poll() is None
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["summary"]["done"] == 30 and manifest["summary"]["complete"] is True
    assert len(list(out.glob("*.pdf"))) == 30
    assert all(p.stat().st_mtime_ns == before[p.name] for p in out.glob("*.pdf") if p.name in before)


def test_an_unreachable_broker_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CORRESPONDENCE_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    campaign_queue.celery_app.cache_clear()
    folder = template(tmp_path / "tpl")
    try:
        assert main(["batch", str(folder / "debtors.csv"), "--mapping", str(folder / "mapping.yaml"),
                     "-o", str(tmp_path / "out"), "--queue"]) == 2
    finally:
        campaign_queue.celery_app.cache_clear()
    err = capsys.readouterr().err
    assert "cannot reach the Celery broker at redis://127.0.0.1:1/0" in err and "Traceback" not in err


def _kill_a_worker_mid_campaign(env: dict[str, str], tmp_path, rows: int = 10) -> None:
    """Run a campaign on one worker, SIGKILL it once a letter is journaled (holding its next task,
    unacknowledged), start another: the campaign completes and each letter is produced once."""
    import threading

    from correspondence.campaign import prepare_campaign, run_campaign
    from correspondence.campaign.resume import JOURNAL
    from tests.campaign.helpers import spanish_export
    from tests.campaign.test_run import _many_rows

    source, mapping = spanish_export(tmp_path / "in", _many_rows(rows))
    campaign = prepare_campaign(source, mapping)
    out = tmp_path / "out"
    first = _start(env)
    second = None
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = run_campaign(campaign, out, queue=True)
        except BaseException as exc:  # reported by the assertion below
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    try:
        thread.start()
        deadline = time.monotonic() + 120
        journal = out / JOURNAL
        while time.monotonic() < deadline and not (journal.exists() and journal.read_text().strip()):
            time.sleep(0.01)
        os.killpg(first.pid, signal.SIGKILL)  # holding its next task, unacknowledged
        first.wait()
        done_before = len(journal.read_text().splitlines())
        assert done_before < rows
        second = _start(env)
        thread.join(timeout=180)
        assert not thread.is_alive(), "the killed worker's task was never redelivered"
    finally:
        stop_group(first)
        if second is not None:
            stop_group(second)
        _drop_queue(env)
    assert "error" not in outcome, outcome.get("error")
    result = outcome["result"]
    assert len(result.done) == rows and not result.failed
    lines = [json.loads(x)["case"] for x in (out / JOURNAL).read_text().splitlines()]
    assert sorted(lines) == sorted(set(lines)) and len(lines) == rows  # each letter produced once
    assert len(list(out.glob("*.pdf"))) == rows


def test_a_worker_killed_mid_campaign_has_its_task_redelivered_and_each_letter_made_once(tmp_path, monkeypatch):
    """Late acknowledgement: RabbitMQ hands the killed worker's unacknowledged task to the other worker."""
    _kill_a_worker_mid_campaign(_environment(tmp_path, monkeypatch, BROKERS["rabbitmq"]), tmp_path)


REDIS_SPARE = "redis://127.0.0.1:6379/13"  # a database of its own: the unacknowledged set is per database


def test_on_redis_a_killed_workers_task_comes_back_after_the_visibility_timeout(tmp_path, monkeypatch):
    """Redis has no connection-bound acknowledgement: the task comes back once it has been unacknowledged
    for CORRESPONDENCE_VISIBILITY_TIMEOUT seconds (3 here; the default 300 would make this test wait)."""
    monkeypatch.setenv("CORRESPONDENCE_VISIBILITY_TIMEOUT", "3")
    env = _environment(tmp_path, monkeypatch, REDIS_SPARE)
    env["CORRESPONDENCE_VISIBILITY_TIMEOUT"] = "3"
    assert campaign_queue.celery_app(REDIS_SPARE, env["CORRESPONDENCE_QUEUE"]).conf.broker_transport_options[
        "visibility_timeout"] == 3
    started = time.monotonic()
    _kill_a_worker_mid_campaign(env, tmp_path, rows=4)
    assert time.monotonic() - started < 90  # not the hour the timeout used to be


def test_the_visibility_timeout_is_a_setting(monkeypatch):
    from correspondence.errors import ConfigurationError
    from correspondence.settings import Settings

    assert Settings.from_env({}).visibility_timeout == 300
    assert Settings.from_env({"CORRESPONDENCE_VISIBILITY_TIMEOUT": "7200"}).visibility_timeout == 7200
    with pytest.raises(ConfigurationError, match="VISIBILITY_TIMEOUT"):
        Settings.from_env({"CORRESPONDENCE_VISIBILITY_TIMEOUT": "0"})


@pytest.mark.parametrize("broker", sorted(BROKERS))
def test_two_workers_on_one_machine_both_take_tasks(broker, tmp_path, monkeypatch):
    """Two `correspondence worker` processes on one host: each has a node name of its own (on RabbitMQ a
    second `celery@HOST` could not open its remote-control queue and stopped), and the campaign's tasks are
    shared between them."""
    from correspondence.campaign import prepare_campaign, run_campaign
    from tests.campaign.helpers import spanish_export
    from tests.campaign.test_run import _many_rows

    env = _environment(tmp_path, monkeypatch, BROKERS[broker])
    workers = [_start(env), _start(env)]
    try:
        app = campaign_queue.celery_app(env["CORRESPONDENCE_BROKER_URL"], env["CORRESPONDENCE_QUEUE"])
        names: set[str] = set()
        deadline = time.monotonic() + 60
        while len(names) < 2 and time.monotonic() < deadline and all(w.poll() is None for w in workers):
            names = {n for reply in app.control.ping(timeout=1.0) for n in reply
                     if n.endswith(tuple(f"-{w.pid}@{os.uname().nodename}" for w in workers))}
        assert [w.poll() for w in workers] == [None, None], "a worker stopped at start-up"
        assert names == {f"correspondence-{w.pid}@{os.uname().nodename}" for w in workers}
        source, mapping = spanish_export(tmp_path / "in", _many_rows(12))
        result = run_campaign(prepare_campaign(source, mapping), tmp_path / "out", queue=True)
        assert len(result.done) == 12 and not result.failed
        stats = app.control.inspect(destination=sorted(names), timeout=2.0).stats() or {}
        taken = {n: s.get("total", {}).get(campaign_queue.TASK_NAME, 0) for n, s in stats.items()}
        assert set(taken) == names and all(k >= 1 for k in taken.values()) and sum(taken.values()) == 12, taken
    finally:
        for w in workers:
            stop_group(w)
        _drop_queue(env)
