"""A quiet poll (every source answers 304) costs only what a poll needs (issue 12, section 6).

Each run is a fresh interpreter, as cron starts one: what it imports and which state files it
reads are what a user pays for every half hour.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.demo import sample_server
from bot.fetch import Fetcher

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# Runs `hmip-bot run` in this interpreter, then reports which of the heavy modules it loaded.
RUN = """
import json, sys
from bot.cli import main
code = main(["--config", sys.argv[1], "run"])
heavy = ("bs4", "soupsieve", "lxml", "trafilatura", "pypdf", "jinja2", "slack_sdk", "apscheduler",
         "bot.extract", "bot.convert", "bot.html_text",
         # recording (nothing to record), the other commands' modules (only `run` is parsed)
         "bot.events", "bot.diff", "bot.timeline", "bot.records", "bot.baseline", "bot.publish",
         "bot.cli_extract", "bot.cli_history", "bot.notify.email", "bot.digest", "bot.notify.evidence")
print(json.dumps({"code": code, "loaded": sorted(m for m in heavy if m in sys.modules)}))
"""


def write_config(folder: Path, base: str, extra: str = "") -> Path:
    """The demo's three sources (HMI Probation feed, GOV.UK search, a BBC region feed)."""
    path = folder / "config.yaml"
    path.write_text(f"""state_dir: state
alert_max_age_days: 36500
poll: {{min_interval_seconds: 0}}
sources:
  - {{name: hmi, type: feed, url: "{base}/hmiprobation/feed/"}}
  - {{name: govuk, type: govuk_search, url: "{base}/api/search.json"}}
  - {{name: bbc, type: feed, url: "{base}/news/england/south_yorkshire/rss.xml", keywords: [probation]}}
{extra}""", encoding="utf-8")
    return path


def run(config: Path) -> tuple[dict, str]:
    done = subprocess.run([sys.executable, "-c", RUN, str(config)], capture_output=True, text=True,
                          env=ENV, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr  # `main` returned: its code is in the report
    *printed, last = done.stdout.strip().splitlines()
    return json.loads(last), "\n".join(printed) + done.stderr


@pytest.fixture(scope="module")
def base():
    with sample_server() as url:
        yield url


def test_a_quiet_poll_loads_no_reader_and_reads_no_history(tmp_path, base):
    config = write_config(tmp_path, base)
    first, out = run(config)
    assert first["code"] == 0, out
    assert "3 sources polled, 6 new items" in out  # the first poll read the pages, with the extractor
    assert "bot.extract" in first["loaded"] and "bs4" in first["loaded"]

    # Damaged history and seen items: a poll that finds nothing new must not even open them.
    state = tmp_path / "state"
    for path in [state / "history.json", *(state / "seen").glob("*.json")]:
        path.write_text('{"half', encoding="utf-8")
    quiet, out = run(config)

    assert quiet["code"] == 0, out
    assert "3 sources polled, 0 new items, 0 alerts" in out
    assert quiet["loaded"] == []  # no extractor, converter, HTML parser, PDF reader, notifier, recorder


def test_a_quiet_poll_with_slack_configured_loads_no_slack_client(tmp_path, base):
    # Inspections older than a day are recorded without alerting: nothing is ever queued for Slack.
    slack = ('slack: {token: xoxb-not-used, base_url: "http://127.0.0.1:9/api/", '
             'subscriptions: [{channel: "#probation"}]}\n')
    config = write_config(tmp_path, base, slack)
    config.write_text(config.read_text().replace("36500", "1"), encoding="utf-8")
    first, out = run(config)
    assert first["code"] == 0 and "0 alerts" in out, out
    quiet, out = run(config)
    assert quiet["code"] == 0 and "0 new items" in out, out
    # The Slack channel's message format loads with the channel, and its evidence line with it.
    assert quiet["loaded"] == ["bot.notify.evidence"]


def test_the_shipped_config_loads_without_an_html_parser():
    # Its html_index source names the default selectors: known good, so nothing to compile.
    code = ("import sys; from bot.config import load_config; load_config(sys.argv[1]); "
            "print(sorted(m for m in ('bs4', 'soupsieve', 'apscheduler') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "config.yaml")], capture_output=True,
                          text=True, env=ENV, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


class _KeepAlive(BaseHTTPRequestHandler):
    """A feed with an ETag over HTTP/1.1; counts the connections it is asked on."""

    protocol_version = "HTTP/1.1"
    connections = 0

    def setup(self):
        type(self).connections += 1
        super().setup()

    def do_GET(self):  # noqa: N802 (http.server's naming)
        fresh = self.headers.get("If-None-Match") == '"v1"'
        self.send_response(304 if fresh else 200)
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", "0" if fresh else "2")
        self.end_headers()
        if not fresh:
            self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


class _Validators:
    def __init__(self):
        self.saved = {}

    def get_validators(self, url):
        return self.saved.get(url)

    def set_validators(self, url, etag, last_modified):
        self.saved[url] = {"etag": etag, "last_modified": last_modified}


def test_sources_on_one_host_share_a_connection_across_304s():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAlive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with Fetcher(user_agent="t", timeout=5, min_interval=0, cache=_Validators()) as fetcher:
            assert fetcher.get(f"{base}/a", conditional=True).status == 200
            statuses = [fetcher.get(f"{base}/{p}", conditional=True).status for p in "aaa"]
    finally:
        server.shutdown()
        server.server_close()
    assert statuses == [304, 304, 304]
    assert _KeepAlive.connections == 1  # a 304 hands its connection on, as a 200 does


@pytest.mark.parametrize("text, line", [("state_dir: s\nsources:\n  - name: [open\n", 4),
                                        ("a: 1\n\tb: 2\n", 2)])
def test_the_fast_yaml_reader_still_names_the_line_of_a_mistake(tmp_path, text, line):
    from bot.config import load_config
    from bot.errors import ConfigError

    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"config: {path}: line {line}: not valid YAML"
