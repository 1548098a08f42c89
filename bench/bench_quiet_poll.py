"""A quiet poll, process-level: `hmip-bot run` over 10 sources that all answer 304 Not Modified.

Usage: python bench/bench_quiet_poll.py [--rounds 15] [--seen 50000] [--inspections 5000]

Each round starts three fresh interpreters, interleaved so that a busy machine slows all three
alike: the floor (`python -c "import requests, feedparser, tinydb, yaml"`, what a poll cannot do
without), `python -m bot run` on an empty state, and `python -m bot run` on a big state (SEEN seen
items, INSPECTIONS inspections). Prints the median wall time of each and the two ratios the
issue sets goals for: quiet poll / floor (<= 1.3) and big state / empty state (<= 1.1).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.demo import sample_server  # noqa: E402
from bot.history import Store  # noqa: E402

FLOOR = [sys.executable, "-c", "import requests, feedparser, tinydb, yaml"]
# As installed: pip writes bytecode for every module, the floor's libraries' and ours, so the
# runs may cache theirs too (the first, untimed poll does), whatever the shell says.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(ROOT)}
FEED = "/news/england/south_yorkshire/rss.xml"


def write_config(folder: Path, base: str) -> Path:
    """A config of 10 feed sources on the loopback server, politeness delay off."""
    lines = ["state_dir: state", "poll:", "  min_interval_seconds: 0", "sources:"]
    for i in range(10):
        lines += [f"  - name: s{i}", "    type: feed", f"    url: {base}{FEED}?n={i}",
                  "    keywords: [no-such-word]"]
    path = folder / "config.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fill(state_dir: Path, seen: int, inspections: int) -> None:
    """Give a state `seen` seen items and `inspections` inspections (500 units)."""
    with Store(state_dir) as store, store.batch():
        for i in range(seen):
            store.mark_seen(f"https://example.org/item/{i}", source="feed",
                            url=f"https://example.org/item/{i}", published="2024-01-01")
        for i in range(inspections):
            store.add_inspection({
                "event_id": f"e{i}", "unit_key": f"unit {i % 500}", "name": f"Unit {i % 500}",
                "type": "PDU", "rating": "Good", "published": f"{2000 + i // 500}-01-01",
                "links": [f"https://example.org/news/{i}"], "findings": ["A finding sentence."] * 3})


def poll_command(config: Path) -> list[str]:
    return [sys.executable, "-m", "bot", "--config", str(config), "run"]


def timed(cmd: list[str]) -> float:
    """Seconds one fresh interpreter takes to run `cmd`; a failing command stops the bench."""
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=ENV)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or "0 new items" not in done.stdout:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stdout}{done.stderr}")
    return elapsed


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
        fill(big / "state", args.seen, args.inspections)
        for folder in (empty, big):
            timed(poll_command(folder / "config.yaml"))  # the first poll downloads; the rest get 304s
        runs: dict[str, list[float]] = {"floor": [], "empty": [], "big": []}
        for _ in range(args.rounds):
            runs["floor"].append(_floor())
            runs["empty"].append(timed(poll_command(empty / "config.yaml")))
            runs["big"].append(timed(poll_command(big / "config.yaml")))
    med = {name: statistics.median(times) * 1000 for name, times in runs.items()}
    print(f"floor (import requests, feedparser, tinydb, yaml): median {med['floor']:.0f} ms")
    print(f"quiet poll of 10 sources (all 304), empty state:    median {med['empty']:.0f} ms "
          f"= {med['empty'] / med['floor']:.2f}x the floor")
    print(f"the same with {args.seen} seen items, {args.inspections} inspections: median {med['big']:.0f} ms "
          f"= {med['big'] / med['empty']:.2f}x the empty state")
    print(f"({args.rounds} rounds, interleaved)")
    return 0


def _floor() -> float:
    started = time.perf_counter()
    subprocess.run(FLOOR, check=True, env=ENV)
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
