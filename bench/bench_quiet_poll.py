"""A quiet poll: 10 feed sources that all answer 304 Not Modified, timed over loopback.

Usage: python bench/bench_quiet_poll.py [--rounds 20]
Prints the median wall time of one cycle (after the first, which downloads everything).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.config import Config, SourceConfig
from bot.demo import sample_server
from bot.fetch import Fetcher
from bot.history import Store
from bot.pipeline import run_cycle


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args(argv)
    with sample_server() as base, tempfile.TemporaryDirectory() as tmp:
        sources = tuple(SourceConfig(name=f"s{i}", type="feed", url=f"{base}/news/england/south_yorkshire/rss.xml?n={i}",
                                     keywords=("no-such-word",)) for i in range(10))
        config = Config(path=None, state_dir=Path(tmp), sources=sources)
        times = []
        with Store(Path(tmp)) as store, Fetcher(user_agent="bench", timeout=5, min_interval=0) as fetcher:
            run_cycle(config, store, fetcher=fetcher, notifiers=[])
            for _ in range(args.rounds):
                t = time.perf_counter()
                report = run_cycle(config, store, fetcher=fetcher, notifiers=[])
                times.append(time.perf_counter() - t)
                assert report.new_items == 0 and not report.failures
    print(f"quiet poll of 10 sources (all 304): median {statistics.median(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms over {args.rounds} rounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
