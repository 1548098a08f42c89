"""`demo`: the real pipeline over loopback HTTP against sample feeds and pages in the package."""

from __future__ import annotations

import hashlib
import tempfile
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from bot.config import Config, PollConfig, SourceConfig
from bot.fetch import Fetcher
from bot.pipeline import CycleReport, run_cycle
from bot.history import Store

# Path on the loopback server -> sample file (and its Content-Type).
ROUTES = {
    "/hmiprobation/feed/": ("hmi-feed.xml", "application/rss+xml"),
    "/api/search.json": ("govuk-search.json", "application/json"),
    "/news/england/south_yorkshire/rss.xml": ("regional.xml", "application/rss+xml"),
    "/hmiprobation/media/press-releases/2026/11/sheffield-pdu/": ("pages/sheffield-pdu.html", "text/html"),
    "/hmiprobation/media/press-releases/2026/11/salford-yjs/": ("pages/salford-yjs.html", "text/html"),
    "/hmiprobation/media/press-releases/2026/11/resettlement-thematic/": ("pages/thematic.html", "text/html"),
    "/government/news/urgent-action-needed-at-inadequate-sheffield-probation-delivery-unit":
        ("pages/govuk-sheffield.html", "text/html"),
    "/government/news/derby-city-probation-delivery-unit-rated-inadequate":
        ("pages/govuk-derby.html", "text/html"),
    "/news/articles/c9sheffield0o": ("pages/bbc-sheffield.html", "text/html"),
}


class _Handler(BaseHTTPRequestHandler):
    """Serves the samples with ETags, so the demo's second poll shows conditional GET at work."""

    base = ""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        route = ROUTES.get(urlsplit(self.path).path)
        if route is None:
            self.send_error(404)
            return
        body = (resources.files("bot") / "samples" / route[0]).read_text(encoding="utf-8")
        data = body.replace("{{BASE}}", self.base).encode("utf-8")
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", f"{route[1]}; charset=utf-8")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep the demo's output to the alerts
        pass


@contextmanager
def sample_server():
    """A loopback HTTP server for the samples; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    handler = type("DemoHandler", (_Handler,), {"base": base})
    server.RequestHandlerClass = handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def demo_config(base: str, state_dir: Path) -> Config:
    """Three sources like a real config's: HMI Probation's feed, GOV.UK search, a BBC region.

    All are served from 127.0.0.1, so which stand for official sites is said outright.
    """
    sources = (
        SourceConfig(name="hmi-probation-news", type="feed", url=f"{base}/hmiprobation/feed/",
                     official=True),
        SourceConfig(name="govuk-search", type="govuk_search", url=f"{base}/api/search.json", official=True),
        SourceConfig(name="bbc-south-yorkshire", type="feed",
                     url=f"{base}/news/england/south_yorkshire/rss.xml", keywords=("probation",), official=False),
    )
    # The samples are dated November 2026; a long max age lets them alert whenever the demo runs.
    # One loopback server for every sample: no politeness delay is owed to it.
    return Config(path=None, state_dir=state_dir, user_agent="hmip-bot-demo/1.0",
                  alert_max_age_days=36500, sources=sources, poll=PollConfig(min_interval_seconds=0))


def run_demo(state_dir: Path | None = None) -> list[CycleReport]:
    """Two polls of the sample world: the first alerts, the second is quiet (304s, no repeats)."""
    with sample_server() as base, _state(state_dir) as folder:
        config = demo_config(base, folder)
        reports = []
        for _ in range(2):
            with Store(folder) as store:
                with Fetcher(user_agent=config.user_agent, timeout=10, min_interval=0) as fetcher:
                    reports.append(run_cycle(config, store, fetcher=fetcher, notifiers=[]))
        return reports


@contextmanager
def _state(state_dir: Path | None):
    if state_dir is not None:
        yield Path(state_dir)  # the Store makes it, or says why it cannot
        return
    with tempfile.TemporaryDirectory(prefix="hmip-bot-demo-") as tmp:
        yield Path(tmp)

