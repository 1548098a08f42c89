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
