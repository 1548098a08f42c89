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
