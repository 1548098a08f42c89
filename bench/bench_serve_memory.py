"""`serve` polling a loopback world N times: does its memory stay flat?

Usage: python bench/bench_serve_memory.py [--polls 1000] [--interval-minutes 0.002]

Runs `python -m bot serve` as a subprocess against a loopback server that answers every poll
with a full 200 (no ETag, so each poll downloads and parses the feed), and one new press
release every 100 polls (so the read, extract, record and alert path runs too). Reads the
process's RSS from /proc after a warm-up and at the end; prints the growth. Exits 1 if the
growth is 10 MB or more.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 50  # polls before the baseline: imports, caches and the first reads settle
LIMIT_MB = 10.0


class World:
    """A feed of the sample press releases; `release()` adds one more, as a new inspection."""

    def __init__(self):
        self.releases = 0
        sample = (resources.files("bot") / "samples" / "pages" / "sheffield-pdu.html").read_text("utf-8")
        world = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                if self.path == "/feed.xml":
                    body, ctype = world.feed().encode(), "application/rss+xml"
                elif self.path.startswith("/news/"):
                    body, ctype = sample.replace("{{BASE}}", world.base).encode(), "text/html"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def feed(self) -> str:
        now = datetime.now(timezone.utc)
        items = "".join(
            f"<item><title>Sheffield Probation Delivery Unit rated 'Inadequate' ({n})</title>"
            f"<link>{self.base}/news/{n}/</link><pubDate>{format_datetime(now - timedelta(hours=n))}"
            f"</pubDate><guid>{self.base}/?p={n}</guid></item>"
            for n in range(self.releases + 1))
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>World</title>'
                f"<link>{self.base}/</link>{items}</channel></rss>")


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))


def polls(log: Path) -> int:
    return len(re.findall(r" poll: \d+ sources polled", log.read_text()))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--polls", type=int, default=1000)
    ap.add_argument("--interval-minutes", type=float, default=0.002)  # 0.12 s
    args = ap.parse_args(argv)
    world = World()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.yaml"
        config.write_text(f"""state_dir: state
alert_max_age_days: 36500
poll: {{interval_minutes: {args.interval_minutes}, jitter_seconds: 0, timeout_seconds: 10}}
sources:
  - {{name: world, type: feed, url: "{world.base}/feed.xml"}}
""")
        log = Path(tmp) / "serve.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--config", str(config), "--log-level", "INFO"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("w"),
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        started, samples, base = time.monotonic(), [], None
        try:
            while (done := polls(log)) < args.polls:
                if proc.poll() is not None:
                    print(log.read_text()[-2000:], file=sys.stderr)
                    return 2
                if base is None and done >= WARM_UP:
                    base = rss_kb(proc.pid)
                if done // 100 > world.releases:
                    world.releases = done // 100
                    samples.append((done, rss_kb(proc.pid)))
                time.sleep(0.02)
            end = rss_kb(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(30)
        took = time.monotonic() - started
    growth = (end - base) / 1024
    print(f"serve: {args.polls} polls in {took:.0f} s ({took / args.polls * 1000:.0f} ms each), "
          f"{world.releases + 1} press releases read; exit {code}")
    print(f"RSS after {WARM_UP} polls {base / 1024:.1f} MB, after {args.polls} {end / 1024:.1f} MB: "
          f"growth {growth:+.1f} MB (limit {LIMIT_MB:g} MB)")
    print("RSS every 100 polls (MB): " + ", ".join(f"{n}: {kb / 1024:.1f}" for n, kb in samples))
    return 0 if growth < LIMIT_MB and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
