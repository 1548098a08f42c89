"""A loopback world for labelled texts: two RSS feeds and one page per text, read by the real pipeline.

Used by bench/false_alarms.py and tests/test_false_alarms.py. Texts are served from where they
lie (read at request time), never copied.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from bot.config import SourceConfig, load_config
from bot.fetch import Fetcher
from bot.history import Store
from bot.identity import official_url
from bot.pipeline import run_cycle

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FOLDERS = (REPO.parent / "shared" / "corpus", REPO.parent / "shared" / "corpus-2",
                   REPO / "bench" / "blind" / "batch-a", REPO / "bench" / "blind" / "batch-b",
                   REPO / "bench" / "blind" / "batch-c")
OFFICIAL_KINDS = {"press_release", "report", "report_page", "official"}
# File names the corpora give to official texts (o001.txt, doc-001.txt), whatever their kind.
OFFICIAL_FILE = re.compile(r"^(?:o\d|doc-)")
FEEDS = {True: "/hmiprobation/feed/", False: "/news/regional/rss.xml"}


@dataclass(frozen=True)
class Text:
    """One labelled text and where the loopback world publishes it."""

    folder: str
    path: Path
    label: dict
    official: bool

    @property
    def name(self) -> str:
        return f"{self.folder}/{self.path.name}"

    @property
    def page(self) -> str:
        stem = re.sub(r"[^a-z0-9-]+", "-", f"{self.folder}-{self.path.stem}".casefold())
        return f"/hmiprobation/news/{stem}/" if self.official else f"/news/articles/{stem}"

    @property
    def rated(self) -> bool:
        return bool(self.label.get("is_rated_inspection"))


def is_official(label: dict) -> bool:
    """Press releases and report pages go on the inspectorate feed; news, blogs, council pages not."""
    return (label.get("kind") in OFFICIAL_KINDS or bool(OFFICIAL_FILE.match(label["file"]))
            or official_url(label.get("url") or ""))  # the bot's own list of official hosts


def load_texts(folders) -> list[Text]:
    """The labelled texts of each folder that has a labels.json (folders without one are skipped)."""
    texts = []
    for folder in map(Path, folders):
        labels = folder / "labels.json"
        if not labels.is_file():
            continue
        for label in json.loads(labels.read_text(encoding="utf-8")):
            path = folder / label["file"]
            if path.is_file():
                texts.append(Text(folder.name, path, label, is_official(label)))
    return texts


# --- the loopback world: two feeds and one page per text ------------------------------------


def _headline(path: Path) -> str:
    """A feed item's title: the text's first line, as a feed carries a story's headline."""
    if path.suffix.casefold() in (".html", ".htm"):
        match = re.search(r"<title[^>]*>(.*?)</title>", path.read_text(encoding="utf-8", errors="replace"), re.S | re.I)
        line = re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() if match else ""
    else:
        line = next((ln.strip() for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()
                     if ln.strip()), "")
    return line if len(line) <= 200 else line[:200].rsplit(" ", 1)[0] + "…"


def _feed(base: str, texts: list[Text], official: bool, now: datetime) -> bytes:
    """An RSS 2.0 feed listing the texts, newest first, each dated minutes before `now`."""
    items = []
    for i, text in enumerate(t for t in texts if t.official == official):
        when = format_datetime(now - timedelta(minutes=5 + i))
        items.append(f"<item><title>{escape(_headline(text.path))}</title><link>{base}{text.page}</link>"
                     f"<guid>{base}{text.page}</guid><pubDate>{when}</pubDate></item>")
    title = "HM Inspectorate of Probation: news" if official else "Regional news"
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>{base}/</link><description>{title}</description>{''.join(items)}</channel></rss>"
            ).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    routes: dict = {}  # path -> callable returning (bytes, content type); set per server

    def do_GET(self):  # noqa: N802 (http.server's naming)
        route = self.routes.get(urlsplit(self.path).path)
        if route is None:
            self.send_error(404)
            return
        body, ctype = route()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # the report is the output
        pass


class LoopbackWorld:
    """A loopback HTTP server publishing the texts: `with LoopbackWorld(texts, now) as world: world.base`."""

    def __init__(self, texts: list[Text], now: datetime):
        self.texts, self.now = texts, now
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        routes = {FEEDS[o]: (lambda o=o: (_feed(self.base, texts, o, now), "application/rss+xml; charset=utf-8"))
                  for o in (True, False)}
        for text in texts:
            html = text.path.suffix.casefold() in (".html", ".htm")
            ctype = "text/html; charset=utf-8" if html else "text/plain; charset=utf-8"
            routes[text.page] = lambda p=text.path, c=ctype: (p.read_bytes(), c)  # read at request time
        self.server.RequestHandlerClass = type("WorldHandler", (_Handler,), {"routes": routes})
        # A short poll interval: shutdown() waits for it, once per world (`--each` makes 168).
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    def __enter__(self) -> "LoopbackWorld":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def text_at(self, url: str) -> Text | None:
        """The text published at `url` (an alert's link), or None."""
        path = urlsplit(url).path
        return next((t for t in self.texts if t.page.rstrip("/") == path.rstrip("/")), None)


def world_config(base: str, state_dir: Path, *, baseline: bool = True):
    """A config with the two loopback feeds, written and loaded as a user's config.yaml would be."""
    # `official` marks the inspectorate feed where the pipeline knows that key (a loopback host
    # cannot be recognised as HMI Probation's site by its name).
    knows_official = "official" in {f.name for f in fields(SourceConfig)}
    sources = []
    for official, name in ((True, "hmi-probation-news"), (False, "regional-news")):
        source = {"name": name, "type": "feed", "url": base + FEEDS[official]}
        if knows_official:
            source["official"] = official
        sources.append(source)
    data = {"state_dir": str(state_dir), "user_agent": "hmip-bot-bench/1.0 (+false_alarms)",
            "poll": {"min_interval_seconds": 0}, "sources": sources}
    if not baseline:
        data["baseline"] = False  # no record of past ratings: directions come from the texts alone
    path = state_dir.parent / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_config(str(path))


@dataclass
class Run:
    """What the pipeline did with the texts: its alerts, its failures and every record it kept."""

    alerts: list
    failures: list[str]
    records: list[dict]
    past: dict = field(default_factory=dict)  # unit key -> the baseline's records of past ratings


def run_world(world: LoopbackWorld, state_dir: Path, *, baseline: bool = True) -> Run:
    """Run the pipeline over the world's feeds, polling again once any hold on alerts has run out."""
    config = world_config(world.base, state_dir, baseline=baseline)
    hold = timedelta(hours=getattr(config, "alert_hold_hours", 0) or 0)
    alerts, failures = {}, []
    # The second poll comes after any hold on unconfirmed readings has run out, so that an
    # alert held for confirmation and then sent counts as the alert it becomes.
    for when in (world.now, world.now + hold + timedelta(hours=1)):
        with Store(config.state_dir) as store, \
                Fetcher(user_agent=config.user_agent, timeout=30, min_interval=0) as fetcher:
            report = run_cycle(config, store, now=when, fetcher=fetcher, notifiers=[])
            records = store.all_inspections()
        failures += report.failures
        for alert in report.alerts:
            alerts[alert.event_id] = alert  # the latest version of each event
    return Run(list(alerts.values()), failures, records, _baseline_records(config, alerts.values()))


def _baseline_records(config, alerts) -> dict:
    """The baseline's past ratings of the alerted units (empty where the pipeline has no baseline)."""
    setting = getattr(config, "baseline", None)
    if not setting:
        return {}
    from bot.baseline import load_baseline
    from bot.diff import unit_key

    baseline = load_baseline(setting)
    return {unit_key(a.unit.name): baseline.for_unit(unit_key(a.unit.name)) for a in alerts}
