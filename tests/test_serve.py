"""`serve` as a real process against a loopback world, plus the health check behind `status --check`."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.config import load_config
from bot.health import NEXT_POLL_META, check_health
from bot.history import Store

ROOT = Path(__file__).resolve().parents[1]

PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Kirklees probation service rated 'Inadequate'</title></head>
<body><main><h1>Kirklees probation service rated 'Inadequate'</h1>
<p>Kirklees Probation Delivery Unit (PDU) has received an overall rating of 'Inadequate' following an
inspection by HM Inspectorate of Probation. It was previously rated 'Requires improvement' in March 2023.</p>
</main></body></html>
"""


def feed(base: str) -> str:
    """An RSS feed listing one press release, published an hour ago (so it is alerted)."""
    published = format_datetime(datetime.now(timezone.utc) - timedelta(hours=1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>HM Inspectorate of Probation</title><link>{base}/</link>
<item><title>Kirklees probation service rated 'Inadequate'</title><link>{base}/news/kirklees/</link>
<pubDate>{published}</pubDate><guid>{base}/?p=1</guid></item>
</channel></rss>
"""


class World:
    """A loopback inspectorate: /feed.xml lists /news/kirklees/. The feed can be slowed or broken.

    It counts requests per path and the most requests ever in flight at once.
    """

    def __init__(self):
        self.feed_delay = 0.0  # seconds before the feed answers
        self.feed_status = 200
        self.hits: dict[str, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        world = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                world._enter(self.path)
                try:
                    world._answer(self)
                except OSError:
                    pass  # serve was stopped while we slept: its connection is gone
                finally:
                    world._leave()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True  # a sleeping handler never holds up the test's end
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def _enter(self, path: str) -> None:
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        if h.path == "/feed.xml":
            time.sleep(self.feed_delay)
            body, ctype, status = feed(self.base).encode(), "application/rss+xml", self.feed_status
        elif h.path == "/news/kirklees/":
            body, ctype, status = PAGE.encode(), "text/html; charset=utf-8", 200
        else:
            body, ctype, status = b"not found", "text/plain", 404
        h.send_response(status)
        if status >= 500:
            h.send_header("Retry-After", "0")  # retries without backoff waits: not what these tests are about
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def world():
    w = World()
    yield w
    w.close()


def write_config(tmp_path: Path, world: World, extra: str = "", **poll) -> Path:
    """A config polling the world every 0.6 s (0.01 minutes), no jitter, state in tmp_path."""
    poll = {"interval_minutes": 0.01, "jitter_seconds": 0, "timeout_seconds": 10, "min_interval_seconds": 0, **poll}
    lines = [f"  {k}: {v}" for k, v in poll.items()]
    path = tmp_path / "config.yaml"
    # baseline: false: directions as the invented world tells them, not the real record's.
    path.write_text("state_dir: state\nbaseline: false\npoll:\n" + "\n".join(lines) + f"""
sources:
  - name: inspectorate
    type: feed
    url: {world.base}/feed.xml
    official: true
{extra}""")
    return path


class Serve:
    """`python -m bot serve` in a subprocess; its stdout and stderr go to files we can read."""

    def __init__(self, config: Path, env: dict | None = None):
        self.out, self.err = config.parent / "serve.out", config.parent / "serve.err"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--config", str(config), "--log-level", "INFO"],
            cwd=ROOT, stdout=self.out.open("w"), stderr=self.err.open("w"),
            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        )

    def log(self) -> str:
        return self.err.read_text()

    def stdout(self) -> str:
        return self.out.read_text()

    def wait_for(self, predicate, timeout: float = 15.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.proc.poll() is not None:
                pytest.fail(f"serve exited {self.proc.returncode} waiting for {what}:\n{self.log()}")
            time.sleep(0.05)
        pytest.fail(f"timed out waiting for {what}; serve's log:\n{self.log()}")

    def polls(self) -> int:
        return len(re.findall(r" poll: \d+ sources polled", self.log()))

    def terminate(self, timeout: float = 10.0) -> tuple[int, float]:
        """SIGTERM; return (exit code, seconds it took to exit)."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail(f"serve did not stop within {timeout}s of SIGTERM:\n{self.log()}")
        return code, time.monotonic() - started

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def serve_proc():
    started: list[Serve] = []

    def start(config: Path, env: dict | None = None) -> Serve:
        started.append(Serve(config, env))
        return started[-1]

    yield start
    for s in started:
        s.kill()


def bot(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})


# --- serve as a process ------------------------------------------------------------------------


def test_serve_polls_alerts_once_and_stops_on_sigterm(tmp_path, world, serve_proc):
    config = write_config(tmp_path, world)
    serve = serve_proc(config)
    serve.wait_for(lambda: serve.polls() >= 3, what="three polls")

    assert world.hits["/feed.xml"] >= 3
    assert world.hits["/news/kirklees/"] == 1  # read once; later polls see it as seen
    # No Slack or email configured: alerts go to stdout, as `run` prints them.
    assert serve.stdout().count("Kirklees PDU: Requires improvement → Inadequate (down)") == 1
    log = serve.log()
    assert "poll: 1 sources polled, 1 new items, 1 alerts" in log
    assert "poll: 1 sources polled, 0 new items, 0 alerts" in log

    # `status` shows when serve polls next (read without the lock, while serve runs).
    with Store(tmp_path / "state", lock=False) as store:
        planned = datetime.fromisoformat(store.get_meta(NEXT_POLL_META))
    assert planned > datetime.now(timezone.utc) - timedelta(seconds=5)

    code, took = serve.terminate()
    assert code == 0
    assert took < 5, f"took {took:.1f}s to stop"
    assert "serve: stopping on SIGTERM" in serve.log()
    with Store(tmp_path / "state", lock=False) as store:
        assert store.get_meta(NEXT_POLL_META) is None  # stopped: no poll is planned

    check = bot("status", "--check", "--config", str(config))
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.startswith("ok: last successful poll")


def test_a_hung_poll_is_never_overlapped_and_sigterm_abandons_it(tmp_path, world, serve_proc):
    world.feed_delay = 30  # the first poll hangs far beyond the 0.6 s interval
    config = write_config(tmp_path, world, timeout_seconds=60)
    serve = serve_proc(config)
    serve.wait_for(lambda: "the previous run is still going" in serve.log(), what="a skipped poll")
    serve.wait_for(lambda: serve.log().count("the previous run is still going") >= 3,
                   what="more skipped polls")
    assert world.hits["/feed.xml"] == 1
    assert world.max_in_flight == 1

    # Meanwhile a cron `run` finds the state locked and exits 3 without touching it.
    run = bot("run", "--config", str(config))
    assert run.returncode == 3, run.stderr
    assert "lock" in run.stderr

    code, took = serve.terminate()
    assert code == 0
    assert took < 8, f"took {took:.1f}s to stop"  # the 5 s grace, then the poll is abandoned
    assert "abandoned the running job" in serve.log()
    # The lock died with the process and the state is intact.
    with Store(tmp_path / "state") as store:
        assert store.pending_items() == []


def test_failing_source_is_reported_once_and_its_recovery_once(tmp_path, world, serve_proc, slack_api):
    from slack_fake import TOKEN

    world.feed_status = 404  # fails at once (a 5xx would be retried with back-off)
    extra = """slack:
  token: ${SLACK_BOT_TOKEN}
  base_url: %s
  ops_channel: "#ops"
  subscriptions:
    - channel: "#probation-alerts"
""" % slack_api.base_url
    config = write_config(tmp_path, world, extra, failure_threshold=2)
    serve = serve_proc(config, env={"SLACK_BOT_TOKEN": TOKEN})
    serve.wait_for(lambda: serve.polls() >= 5, what="five failing polls")
    ops = lambda: [m["text"] for m in slack_api.posted("C0OPSNOTICE")]  # noqa: E731
    assert len(ops()) == 1 and "inspectorate has failed 2 polls in a row" in ops()[0]

    world.feed_status = 200
    serve.wait_for(lambda: len(ops()) == 2, what="the recovery notice")
    polls = serve.polls()
    serve.wait_for(lambda: serve.polls() >= polls + 3, what="three more polls")

    assert len(ops()) == 2 and "inspectorate has recovered" in ops()[1]
    alerts = slack_api.posted("C0PROBATION")
    assert len(alerts) == 1 and "Kirklees" in str(alerts[0])
    code, _ = serve.terminate()
    assert code == 0
    assert TOKEN not in serve.log() + serve.stdout()


# --- the health check and the scheduler's set-up, in process ------------------------------------


SOURCES = """sources:
  - {name: a, type: feed, url: "http://127.0.0.1:9/a.xml"}
  - {name: b, type: feed, url: "http://127.0.0.1:9/b.xml"}
"""


def _config(tmp_path: Path, text: str):
    """A config of `text` with sources a and b (a config needs at least one)."""
    path = tmp_path / "config.yaml"
    path.write_text(text + SOURCES)
    return load_config(path)


def test_check_health_uses_the_last_success_of_any_source(tmp_path):
    config = _config(tmp_path, "state_dir: state\npoll:\n  interval_minutes: 30\n")
    now = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
    with Store(config.state_dir) as store:
        ok, message = check_health(config, store, now)
        assert not ok and message.startswith("unhealthy: no successful poll")

        store.record_poll("a", ok=True, when=now - timedelta(minutes=89))
        store.record_poll("b", ok=False, error="HTTP 500", when=now - timedelta(minutes=1))
        ok, message = check_health(config, store, now)
        assert ok, message
        assert message == "ok: last successful poll 2026-11-29T10:31:00+00:00 (89 minutes ago)"

        ok, message = check_health(config, store, now + timedelta(minutes=2))
        assert not ok
        assert "more than 3 poll intervals (90 minutes)" in message


def test_check_health_notes_a_serve_that_stopped_writing(tmp_path):
    config = _config(tmp_path, "state_dir: state\npoll:\n  interval_minutes: 30\n")
    now = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
    with Store(config.state_dir) as store:
        store.record_poll("a", ok=True, when=now - timedelta(minutes=20))
        store.set_meta(NEXT_POLL_META, (now - timedelta(minutes=45)).isoformat())
        ok, message = check_health(config, store, now)
    assert ok
    assert message.endswith("serve planned a poll for 2026-11-29T11:15:00+00:00 and has not written since")


def test_server_registers_one_poll_and_a_cron_job_per_scheduled_digest(tmp_path):
    from bot.schedule import Server, jitter_seconds

    config = _config(tmp_path, """state_dir: state
poll: {interval_minutes: 0.05}
email:
  smtp: {host: 127.0.0.1, port: 1}
  from: bot@example.org
  digests:
    - {name: weekly, to: [a@example.org], schedule: "0 8 * * 1", timezone: Europe/London}
    - {name: now, to: [a@example.org], schedule: immediate}
""")
    assert jitter_seconds(config) == pytest.approx(0.3)  # a tenth of 3 s
    server = Server(config)
    server.add_jobs()  # registered, not started: nothing runs
    jobs = {job.id: job for job in server.scheduler.get_jobs()}
    assert set(jobs) == {"poll", "digest:weekly"}  # `immediate` goes out after each poll
    assert jobs["poll"].max_instances == 1 and jobs["poll"].coalesce
    assert str(jobs["digest:weekly"].trigger.timezone) == "Europe/London"
    assert jobs["poll"].trigger.interval == timedelta(seconds=3)


def test_failed_deliveries_are_retried_before_the_next_poll(tmp_path, world, slack_api, monkeypatch):
    import bot.schedule
    from slack_fake import TOKEN

    monkeypatch.setattr(bot.schedule, "FIRST_RETRY_SECONDS", 0.2)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    extra = f"""slack:
  token: ${{SLACK_BOT_TOKEN}}
  base_url: {slack_api.base_url}
  subscriptions:
    - channel: "#probation-alerts"
"""
    config = load_config(write_config(tmp_path, world, extra, interval_minutes=30))
    slack_api.fail("chat.postMessage", "internal_error")  # Slack's transient error, once
    server = bot.schedule.Server(config)
    server.scheduler.start()  # no poll job: the test polls by hand, once
    try:
        server.poll()
        assert slack_api.posted("C0PROBATION") == []
        assert server.scheduler.get_job("retry") is not None
        deadline = time.monotonic() + 10
        while not slack_api.posted("C0PROBATION") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        assert server.stop(grace=5)
    assert len(slack_api.posted("C0PROBATION")) == 1
