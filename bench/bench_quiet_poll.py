"""A quiet poll, process-level: `hmip-bot run` over 10 sources that all answer 304 Not Modified.

Usage: python bench/bench_quiet_poll.py [--rounds 15] [--seen 50000] [--inspections 5000]

Each round starts three fresh interpreters, in a shuffled order so that a busy machine slows
all three alike: the floor (`python -c "import requests, feedparser, tinydb, yaml"`, what a poll cannot
do without), `python -m bot run` on an empty state, and `python -m bot run` on a big state (SEEN
seen items, INSPECTIONS inspections). Each is timed by wall clock and by CPU time (user + system,
steadier on a shared machine). Prints the medians and the two ratios the issue sets goals for:
quiet poll / floor (<= 1.3) and big state / empty state (<= 1.1).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_history import build  # noqa: E402  (the big state: 50,000 seen items, 5,000 inspections)

FLOOR = [sys.executable, "-c", "import requests, feedparser, tinydb, yaml"]
# As installed: pip writes bytecode for every module, the floor's libraries' and ours, so the
# runs may cache theirs too (the first, untimed poll does), whatever the shell says.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(ROOT)}
FEED = "/news/england/south_yorkshire/rss.xml"


class _Feed(BaseHTTPRequestHandler):
    """One sample feed with an ETag; HTTP/1.1 keep-alive, as real servers, so that the server's
    own thread start-ups (one per connection under HTTP/1.0) do not blur the poll's time."""

    protocol_version = "HTTP/1.1"
    body = (resources.files("bot") / "samples" / "regional.xml").read_bytes()
    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'

    def do_GET(self):  # noqa: N802 (http.server's naming)
        fresh = self.headers.get("If-None-Match") == self.etag
        self.send_response(304 if fresh else 200)
        self.send_header("ETag", self.etag)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", "0" if fresh else str(len(self.body)))
        self.end_headers()
        if not fresh:
            self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@contextmanager
def sample_server():
    """The feed on a loopback port; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write_config(folder: Path, base: str) -> Path:
    """A config of 10 feed sources on the loopback server, politeness delay off."""
    lines = ["state_dir: state", "poll:", "  min_interval_seconds: 0", "sources:"]
    for i in range(10):
        lines += [f"  - name: s{i}", "    type: feed", f"    url: {base}{FEED}?n={i}",
                  "    keywords: [no-such-word]"]
    path = folder / "config.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def poll_command(config: Path) -> list[str]:
    return [sys.executable, "-m", "bot", "--config", str(config), "run"]


def timed(cmd: list[str], expect: str | None = "0 new items") -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one fresh interpreter running `cmd`.

    CPU time is the steadier figure on a shared machine: it leaves out the time spent waiting
    for a core. A failing command stops the bench.
    """
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if proc.returncode != 0 or (expect and expect not in text):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {text}")
    return wall, usage.ru_utime + usage.ru_stime


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--seen", type=int, default=50_000)
    ap.add_argument("--inspections", type=int, default=5_000)
    args = ap.parse_args(argv)
    with sample_server() as base, tempfile.TemporaryDirectory() as tmp:
        empty, big = Path(tmp, "empty"), Path(tmp, "big")
        for folder in (empty, big):
            folder.mkdir()
            write_config(folder, base)
        build(big / "state", args.seen, args.inspections)  # the same state bench_history measures
        for folder in (empty, big):
            timed(poll_command(folder / "config.yaml"))  # the first poll downloads; the rest get 304s
        runs: dict[str, list[tuple[float, float]]] = {"floor": [], "empty": [], "big": []}
        commands = {"floor": (FLOOR, None), "empty": (poll_command(empty / "config.yaml"), "0 new items"),
                    "big": (poll_command(big / "config.yaml"), "0 new items")}
        order = random.Random(12)
        for _ in range(args.rounds):
            for name in order.sample(list(commands), k=3):  # no one always runs first, or last
                runs[name].append(timed(*commands[name]))
    for i, kind in enumerate(("wall", "CPU")):
        med = {name: statistics.median(t[i] for t in times) * 1000 for name, times in runs.items()}
        print(f"{kind} time, median of {args.rounds} interleaved rounds:")
        print(f"  floor (import requests, feedparser, tinydb, yaml)    {med['floor']:6.0f} ms")
        print(f"  quiet poll of 10 sources (all 304), empty state      {med['empty']:6.0f} ms"
              f"  = {med['empty'] / med['floor']:.2f}x the floor")
        print(f"  the same with {args.seen} seen items, {args.inspections} inspections".ljust(55)
              + f"{med['big']:6.0f} ms  = {med['big'] / med['empty']:.2f}x the empty state")
    return 0


if __name__ == "__main__":
    sys.exit(main())
