"""`backfill`: walk the sources' older pages and record past inspections, alerting no one.

It never touches the sources' health counters (`status`, outage alerts): those are about the
polls `run` makes. How far each source's walk got is kept in the state, so an interrupted or
failed backfill resumes at the page it stopped on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from bot.baseline import load_baseline, write_baseline
from bot.config import Config, SourceConfig
from bot.errors import ConfigError, SourceError
from bot.fetch import Fetcher
from bot.history import Store
from bot.pipeline import CycleReport, pending_record, read_pending
from bot.sources import build_source

log = logging.getLogger(__name__)
PROGRESS_KEY = "backfill"  # meta: {source name: {"url", "next_page", "done"}}


class Progress:
    """What a backfill reports as it goes; the CLI draws it (a bar on a terminal, else lines)."""

    def page(self, source: str, n: int, listed: int, new: int) -> None:
        """Page n of a source was read: `listed` items on it, `new` of them queued."""

    def reading(self, total: int) -> None:
        """`total` listed items are about to be read."""

    def item(self, url: str) -> None:
        """One listed item was read (or tried)."""


@dataclass
class BackfillReport:
    """What a backfill did: for its summary line and exit code."""

    sources: int = 0
    pages_read: int = 0
    inspections: int = 0
    units_new: int = 0
    failures: list[str] = field(default_factory=list)
    cycle: CycleReport = field(default_factory=CycleReport)
    exported: int | None = None

    @property
    def all_failures(self) -> list[str]:
        return self.failures + self.cycle.item_failures

    @property
    def exit_code(self) -> int:
        return 1 if self.all_failures else 0

    def summary(self) -> str:
        """One line: pages read, inspections recorded, units newly covered, failures."""
        line = (f"{_n(self.pages_read, 'page')} read from {_n(self.sources, 'source')}, "
                f"{_n(self.inspections, 'inspection')} recorded, {_n(self.units_new, 'unit')} newly covered, "
                f"{_n(len(self.all_failures), 'failure')}")
        if self.exported is not None:
            line += f"; {self.exported} inspections written to the baseline file"
        return line


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def backfill(config: Config, *, pages: int = 5, since: date | None = None, source: str | None = None,
             now: datetime | None = None, fetcher: Fetcher | None = None, progress: Progress | None = None,
             export_baseline: Path | None = None) -> BackfillReport:
    """Walk each source's pages 1..`pages` (resuming an unfinished walk) and record what they list."""
    now = now or datetime.now(timezone.utc)
    progress = progress or Progress()
    chosen = _chosen(config, source)
    report = BackfillReport(sources=len(chosen))
    report.cycle.silent = True
    own = fetcher is None
    fetcher = fetcher or Fetcher.from_config(config)  # no validator cache: every page in full
    try:
        with Store(config.state_dir) as store:
            before, count = _covered(config, store), len(store.all_inspections())
            for source_config in chosen if pages > 0 else ():  # 0: only read and export
                _walk(store, fetcher, source_config, pages, since, report, progress)
            _read(config, store, fetcher, report, progress, now)
            report.inspections = len(store.all_inspections()) - count
            report.units_new = len(_covered(config, store) - before)
            if export_baseline is not None:
                report.exported = export(config, store, export_baseline)
    finally:
        if own:
            fetcher.close()
    return report


def _chosen(config: Config, name: str | None) -> list[SourceConfig]:
    if name is None:
        return list(config.sources)
    found = [s for s in config.sources if s.name == name]
    if not found:
        names = ", ".join(s.name for s in config.sources) or "none"
        raise ConfigError(f"backfill: --source {name!r} is not a source in the config (sources: {names})")
    return found


def _covered(config: Config, store: Store) -> set[str]:
    """Units with a known rating, in the baseline or in history."""
    keys = {r["unit_key"] for r in store.all_inspections() if r.get("rating")}
    return keys | set(load_baseline(config.baseline).keys())


def _walk(store: Store, fetcher: Fetcher, config: SourceConfig, pages: int, since: date | None,
          report: BackfillReport, progress: Progress) -> None:
    """List one source's pages into the pending queue, recording after each page how far it got."""
    walks = store.get_meta(PROGRESS_KEY, {}) or {}
    last = walks.get(config.name) or {}
    resume = last.get("url") == config.url and not last.get("done")
    start = int(last.get("next_page") or 1) if resume else 1
    source, seen = build_source(config), set()
    for n in range(start, pages + 1):
        paged = source.for_page(n)
        if paged is None:
            break
        try:
            items = paged.poll(fetcher)
        except SourceError as e:
            if n > 1 and e.gone:  # (404/410, read from the error's status)
                break  # past the last page of the archive
            # One line, printed with the summary (a progress line as well would say it twice).
            report.failures.append(f"source {config.name}: page {n}: {e}; the next backfill resumes here")
            _save(store, config, n, done=False)
            return
        report.pages_read += 1
        keys = {i.key for i in items}
        if not keys or keys <= seen:
            progress.page(config.name, n, len(items), 0)
            break  # an empty page, or the archive ignored the page number: the end
        seen |= keys
        fresh = [i for i in items if not store.is_seen(i.key) and not _before(i, since)]
        for item in fresh:
            store.add_pending_item(pending_record(item))
        _save(store, config, n + 1, done=False)
        progress.page(config.name, n, len(items), len(fresh))
        dated = [i.published.date() for i in items if i.published]
        if since and dated and max(dated) < since:
            break  # pages are newest first: everything further back is older still
    _save(store, config, 1, done=True)


def _before(item, since: date | None) -> bool:
    return bool(since and item.published and item.published.date() < since)


def _save(store: Store, config: SourceConfig, next_page: int, *, done: bool) -> None:
    walks = dict(store.get_meta(PROGRESS_KEY, {}) or {})
    walks[config.name] = {"url": config.url, "next_page": next_page, "done": done}
    store.set_meta(PROGRESS_KEY, walks)


def _read(config, store, fetcher, report, progress, now) -> None:
    """Read the listed items (an interrupted backfill's too); recent ones wait for `run` to alert."""
    progress.reading(len(store.pending_items()))
    read_pending(config, store, fetcher, report.cycle, now, on_item=progress.item)


def export(config: Config, store: Store, path: Path) -> int:
    """Write what history now knows (baseline and read) in the baseline's columns."""
    from bot.records import timelines

    rows = [r for timeline in timelines(config, store=store).values() for r in timeline if r.get("rating")]
    try:
        return write_baseline(Path(path), rows)
    except OSError as e:
        raise ConfigError(f"backfill: --export-baseline {path}: {e.strerror or e.__class__.__name__}") from None
