"""How `backfill` shows its progress: a tqdm bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys

from bot.backfill import Progress


class LineProgress(Progress):
    """One line per page (for logs, cron mail and pipes); failures come once, after the summary."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr

    def __enter__(self) -> "LineProgress":
        return self

    def __exit__(self, *exc) -> None:
        self.stream.flush()

    def _say(self, text: str) -> None:
        print(f"backfill: {text}", file=self.stream, flush=True)

    def page(self, source: str, n: int, listed: int, new: int) -> None:
        self._say(f"{source} page {n}: {listed} items listed, {new} new")

    def reading(self, total: int) -> None:
        if total:
            self._say(f"reading {total} listed items")


class BarProgress(Progress):
    """A tqdm bar of pages, then one of items read (tqdm keeps it to one terminal line)."""

    def __init__(self):
        self.bar = None

    def __enter__(self) -> "BarProgress":
        return self

    def __exit__(self, *exc) -> None:
        self._close()

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def page(self, source: str, n: int, listed: int, new: int) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(desc="pages", unit="page", file=sys.stderr, leave=False)
        self.bar.set_postfix_str(f"{source} page {n}, {new} new")
        self.bar.update(1)

    def reading(self, total: int) -> None:
        from tqdm import tqdm

        self._close()
        if total:
            self.bar = tqdm(total=total, desc="items", unit="item", file=sys.stderr, leave=False)

    def item(self, url: str) -> None:
        if self.bar is not None:
            self.bar.update(1)
