"""Shared fixtures: fixture files under tests/data served over loopback HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.fetch import Fetcher

DATA = Path(__file__).parent / "data"

# Fixture files describe the headers they are served with in `Header: Name: value` lines
# inside their leading comment, as feedparser's test files do.
_HEADER_LINE = re.compile(r"^Header:\s*([A-Za-z0-9-]+):\s*(.*?)\s*$", re.M)
_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
}


def fixture_headers(path: Path) -> dict[str, str]:
    """The HTTP headers a fixture file asks for (a default Content-Type by extension)."""
    head = path.read_bytes()[:4096].decode("utf-8", "replace")
    headers = {"Content-Type": _TYPES.get(path.suffix, "application/octet-stream")}
    headers.update(dict(_HEADER_LINE.findall(head)))
    return headers


class FeedServer:
    """Serves files from tests/data on the pytest-httpserver loopback server."""

    def __init__(self, httpserver):
        self.httpserver = httpserver

    def serve(self, relpath: str, path: str, query_string: str | None = None) -> str:
        """Serve DATA/relpath at `path` (and exactly `query_string`, if given); return its URL."""
        file = DATA / relpath
        self.httpserver.expect_request(path, query_string=query_string).respond_with_data(
            file.read_bytes(), headers=fixture_headers(file)
        )
        url = self.httpserver.url_for(path)
        return f"{url}?{query_string}" if query_string else url


@pytest.fixture
def feed_server(httpserver) -> FeedServer:
    """Serve fixture files over loopback HTTP: `feed_server.serve("feeds/x.rss", "/feed/")`."""
    return FeedServer(httpserver)


@pytest.fixture
def fetcher():
    """A Fetcher for tests: short timeout, no politeness delay, never really sleeps."""
    with Fetcher(user_agent="hmip-bot-tests/1.0", timeout=5, min_interval=0, sleep=lambda s: None) as f:
        yield f


# --- email: an aiosmtpd server on loopback that keeps what it accepts ---------------------


class RecordingHandler:
    """aiosmtpd handler: keeps each accepted message; can refuse recipients or the DATA."""

    def __init__(self):
        self.received: list = []  # (mail_from, rcpt_tos, email.message.EmailMessage)
        self.refuse: dict[str, str] = {}  # recipient address -> reply, e.g. "550 5.1.1 no such user"
        self.data_reply: str | None = None  # e.g. "421 4.3.2 try again later"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        if self.data_reply:
            return self.data_reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A running loopback SMTP server: `received`, `refuse`, `data_reply` and a matching SmtpConfig."""

    def __init__(self, controller, handler: RecordingHandler, port: int):
        self.controller, self.handler = controller, handler
        self.host, self.port = "127.0.0.1", port

    @property
    def received(self) -> list:
        return self.handler.received

    def config(self, **changes):
        """An SmtpConfig for this server (plain SMTP, short timeout unless changed)."""
        from bot.config import SmtpConfig

        return SmtpConfig(**{"host": self.host, "port": self.port, "starttls": False, "ssl": False,
                             "timeout_seconds": 5.0, **changes})


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server_factory():
    """Start aiosmtpd servers with Controller options (authenticator=..., tls_context=...)."""
    from aiosmtpd.controller import Controller

    started = []

    def start(**options) -> SmtpServer:
        handler, port = RecordingHandler(), _free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return SmtpServer(controller, handler, port)

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def smtp_server(smtp_server_factory) -> SmtpServer:
    """A plain loopback SMTP server that accepts everything and keeps it."""
    return smtp_server_factory()


@pytest.fixture
def slack_api():
    """A fake Slack Web API and incoming webhook on loopback (tests/slack_fake.py)."""
    from slack_fake import FakeSlack

    fake = FakeSlack().start()
    yield fake
    fake.stop()


# --- a small world of feeds and pages for the pipeline and CLI tests ---------------------------

import threading  # noqa: E402

import yaml  # noqa: E402
from werkzeug import Response as _WerkzeugResponse  # noqa: E402

PIPELINE = DATA / "pipeline"


class Route:
    """What the world answers at one path; tests change `file`, `status` or `hold` between runs."""

    def __init__(self, file: str, status: int = 200):
        self.file = file
        self.status = status
        self.hold: threading.Event | None = None  # set: answer; unset: wait (at most hold_timeout)
        self.hold_timeout = 15.0
        self.started = threading.Event()  # set when a request for this path arrives


class PipelineWorld:
    """Serves tests/data/pipeline files on the loopback httpserver like a real site would.

    `{{BASE}}` in a file becomes the server's address; the file's `Header:` lines become its
    headers, and its ETag / Last-Modified answer conditional GETs with 304. Every request and
    its status stay in `httpserver.log`.
    """

    def __init__(self, httpserver):
        self.httpserver = httpserver
        self.base = httpserver.url_for("/").rstrip("/")
        self.routes: dict[str, Route] = {}

    def serve(self, path: str, relpath: str, *, status: int = 200) -> str:
        """Serve PIPELINE/relpath at `path` (replacing what was there); return its URL."""
        route = self.routes.get(path)
        if route is None:
            route = self.routes[path] = Route(relpath, status)
            self.httpserver.expect_request(path).respond_with_handler(lambda r, route=route: self._answer(route, r))
        route.file, route.status = relpath, status
        return self.url(path)

    def route(self, path: str) -> Route:
        return self.routes[path]

    def url(self, path: str) -> str:
        return self.base + path

    def requests(self, path: str) -> list[tuple[dict, int]]:
        """(request headers, response status) of every request for `path`, in order."""
        return [(dict(req.headers), resp.status_code) for req, resp in self.httpserver.log if req.path == path]

    def requested_paths(self) -> list[str]:
        return [req.path for req, _ in self.httpserver.log]

    def _answer(self, route: Route, request):
        route.started.set()
        if route.hold is not None:
            route.hold.wait(route.hold_timeout)
        file = PIPELINE / route.file
        body = file.read_text(encoding="utf-8").replace("{{BASE}}", self.base).encode("utf-8")
        headers = fixture_headers(file)
        if route.status == 200 and self._not_modified(request.headers, headers):
            kept = {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")}
            return _WerkzeugResponse(status=304, headers=kept)
        if route.status >= 500:
            headers["Retry-After"] = "0"  # the fetcher's retries stay, minus their backoff waits
        return _WerkzeugResponse(body, status=route.status, headers=headers)

    @staticmethod
    def _not_modified(asked, headers: dict) -> bool:
        # As RFC 9110 says: If-None-Match, when sent, decides; else If-Modified-Since.
        if asked.get("If-None-Match"):
            return asked["If-None-Match"] == headers.get("ETag")
        return bool(asked.get("If-Modified-Since")) and asked["If-Modified-Since"] == headers.get("Last-Modified")


@pytest.fixture
def world(httpserver) -> PipelineWorld:
    """Feeds and pages from tests/data/pipeline on loopback HTTP: `world.serve("/feed/", "feeds/x.rss")`."""
    return PipelineWorld(httpserver)


@pytest.fixture
def config_file(tmp_path):
    """Write a config.yaml in tmp_path (state in tmp_path/state); returns its path as a str."""

    def write(sources: list[dict], **top) -> str:
        # No politeness delay between requests to the one loopback host: tests stay fast.
        top.setdefault("poll", {"min_interval_seconds": 0})
        # Every site here is on 127.0.0.1, which is no official host: a source stands for HMI
        # Probation's site unless its test marks it `official: false` (a news source).
        sources = [{**s, "official": s.get("official", True)} for s in sources]
        # No record of past ratings unless a test is about it: directions come from the test's world.
        top.setdefault("baseline", False)
        data = {"state_dir": "state", "user_agent": "hmip-bot-tests/1.0 (+tests)", **top, "sources": sources}
        path = tmp_path / "config.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return str(path)

    return write


# --- running the CLI: in this process (as a shell would see it) or as a real process ----------

import logging  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from dataclasses import dataclass  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@dataclass
class CliResult:
    """What a user sees from one command: its exit code, stdout and stderr."""

    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


@pytest.fixture
def cli(capsys, monkeypatch):
    """`cli("run", "--config", path)` runs bot.cli.main in this process; returns a CliResult."""
    from bot.cli import main

    monkeypatch.delenv("LOG_LEVEL", raising=False)
    monkeypatch.delenv("BOT_CONFIG", raising=False)
    # The loopback server runs in this process too; its request log is not the bot's stderr.
    server_log = logging.getLogger("werkzeug")
    monkeypatch.setattr(server_log, "handlers", [logging.NullHandler()])
    monkeypatch.setattr(server_log, "propagate", False)

    def run(*argv) -> CliResult:
        capsys.readouterr()
        root = logging.getLogger()
        handlers, level = root.handlers[:], root.level
        # pytest's log capture sits on the root logger, which turns main()'s basicConfig() into a
        # no-op; take it off for the call so that log lines reach stderr as in a real process.
        root.handlers = []
        try:
            code = main([str(a) for a in argv])
        finally:
            for handler in root.handlers:
                handler.close()
            root.handlers = handlers
            root.setLevel(level)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture
def spawn(tmp_path):
    """`spawn("run", "--config", path)` starts `python -m bot ...` as a real process (a Popen)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LOG_LEVEL", "BOT_CONFIG")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    started: list[subprocess.Popen] = []

    def start(*argv) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-m", "bot", *map(str, argv)], cwd=tmp_path, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(proc)
        return proc

    yield start
    for proc in started:  # only the processes this test started
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=10)
