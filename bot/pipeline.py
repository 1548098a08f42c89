"""One poll cycle: sources -> new items -> pages -> extraction -> diff -> history -> alerts."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from bot.config import Config, official_url
from bot.errors import BotError, InputError, SourceError, StateError
from bot.fetch import Fetcher
from bot.history import Store
from bot.identity import display_url
from bot.models import Alert, Extraction, Item
from bot.notify import DeliveryReport, Notifier
from bot.notify.channels import build_notifiers
from bot.policy import due_holds, source_label
from bot.sources import build_source

if TYPE_CHECKING:
    from bot.events import Cycle

log = logging.getLogger(__name__)


@dataclass
class CycleReport:
    """What one cycle did, for the CLI summary, `serve`'s log line and the exit code."""

    alerts: list[Alert] = field(default_factory=list)
    new_items: int = 0
    sources_polled: int = 0
    source_failures: list[str] = field(default_factory=list)
    item_failures: list[str] = field(default_factory=list)
    deliveries: DeliveryReport = field(default_factory=DeliveryReport)
    newly_down: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    recorded_silently: int = 0
    held: list[str] = field(default_factory=list)  # events held for confirmation this cycle
    silent: bool = False
    history_changed: bool = False  # an event was recorded or retold: the public site is rewritten
    publish_failures: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        return (self.source_failures + self.item_failures + self.deliveries.failures
                + self.deliveries.permanent + self.publish_failures)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0

    def summary(self) -> str:
        """One line: what was polled, found, alerted and what failed."""
        parts = [f"{self.sources_polled} sources polled", f"{self.new_items} new items",
                 f"{len(self.alerts)} alerts"]
        if self.recorded_silently:
            parts.append(f"{self.recorded_silently} older inspections recorded without alert")
        if self.held:
            parts.append(f"{len(self.held)} held for confirmation")
        if self.deliveries.sent or self.deliveries.updated:
            parts.append(f"{self.deliveries.sent} delivered, {self.deliveries.updated} updated")
        if self.failures:
            parts.append(f"{len(self.failures)} failures")
        return ", ".join(parts)


class _DeferredValidators:
    """The HTTP cache seen by the fetcher: new ETags are kept back until the items are recorded.

    Saved at once, a validator would make the next poll answer 304 even if this cycle died
    before recording what the 200 listed, and those items would never be seen again.
    """

    def __init__(self, store: Store):
        self.store = store
        self.held: dict[str, tuple] = {}

    def get_validators(self, url):
        return self.store.get_validators(url)

    def set_validators(self, url, etag, last_modified):
        self.held[url] = (etag, last_modified)

    def commit(self) -> None:
        for url, (etag, modified) in self.held.items():
            self.store.set_validators(url, etag, modified)
        self.held.clear()


def run_cycle(config: Config, store: Store, *, dry_run: bool = False, now: datetime | None = None,
              fetcher: Fetcher | None = None, notifiers: list[Notifier] | None = None,
              silent: bool = False) -> CycleReport:
    """Poll every source, read every new item, record it, release due held alerts and deliver.

    `silent` (backfill) records everything into history and alerts nothing.
    """
    now = now or datetime.now(timezone.utc)
    report = CycleReport(silent=silent)
    notifiers = [] if dry_run else (build_notifiers(config) if notifiers is None else notifiers)
    cache = _DeferredValidators(store)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher.from_config(config, cache=cache)
    if not own_fetcher:
        fetcher.cache = cache
    try:
        for source_config in config.sources:
            _poll_source(config, source_config, store, fetcher, cache, report, now)
        _read_and_release(config, store, fetcher, notifiers, report, now)
        for notifier in notifiers:  # everything queued, this cycle's and earlier runs' leftovers
            report.deliveries.merge(notifier.deliver(store, now=now))
        if not dry_run:
            _publish(config, store, report)
        if report.alerts:  # later sources may have filled in an event (links, previous rating)
            from bot.events import alert_from_record

            report.alerts = [alert_from_record(store.get_inspection(a.event_id), update=False)
                             for a in report.alerts]
    finally:
        if own_fetcher:
            fetcher.close()
    return report


def _read_and_release(config: Config, store: Store, fetcher, notifiers, report: CycleReport, now) -> None:
    """Read every pending item, then send the held alerts whose hold is over.

    Recording (bot.events, bot.diff, bot.timeline) loads only when there is something to read or
    release: a quiet poll, nothing pending and no hold over, never imports it.
    """
    if not store.pending_items() and (report.silent or not due_holds(store, now)):
        return
    from bot.events import Cycle, release_due

    cycle = Cycle(config=config, store=store, notifiers=notifiers, report=report, now=now)
    for pending in store.pending_items():
        _read_item(cycle, fetcher, _item(pending))
    if not report.silent:
        release_due(cycle)  # after reading: a confirmation found this cycle comes first


def _publish(config: Config, store: Store, report: CycleReport) -> None:
    """Rewrite the public site (`publish.out_dir`) when this cycle changed history."""
    if config.publish is None:
        return
    from bot.publish import refresh_site  # Jinja and the templates only for those who publish

    failure = refresh_site(config, store, history_changed=report.history_changed)
    if failure:
        report.publish_failures.append(failure)


def _poll_source(config, source_config, store, fetcher, cache, report, now) -> None:
    """List one source's items into the pending queue; a failure is one line, and we go on."""
    source = build_source(source_config)
    report.sources_polled += 1
    try:
        items = _listed(source, fetcher)
    except SourceError as e:
        text = str(e)
        message = text if text.startswith(f"{source.name}:") else f"{source.name}: {text}"
        message = f"source {message}"
        report.source_failures.append(message)
        log.info("%s", message)
        status = store.record_poll(source.name, ok=False, error=str(e), when=now)
        _note_outage(config, store, status, report)
        return
    fresh = [i for i in items if not store.is_seen(i.key)]
    for item in fresh:
        store.add_pending_item(_item_record(item))
    cache.commit()  # only now: the listed items are safe in state
    log.info("source %s: %d items listed, %d new", source.name, len(items), len(fresh))
    status = store.record_poll(source.name, ok=True, items=len(fresh), when=now)
    _note_outage(config, store, status, report)


def _listed(source, fetcher) -> list[Item]:
    """The source's items; a listing it cannot make sense of is that source's failure, not the run's."""
    try:
        return source.poll(fetcher)
    except (BotError, StateError):
        raise
    except Exception as e:  # noqa: BLE001 (a page the parsers choke on must not stop the other sources)
        log.debug("source %s failed", source.name, exc_info=True)
        raise SourceError(f"{source.name}: could not read the listing ({e.__class__.__name__}: {e})") from None


def _note_outage(config, store, status: dict, report: CycleReport) -> None:
    """Report a source once when it crosses the failure threshold, and once when it recovers."""
    name = status["source"]
    failing = status["consecutive_failures"] >= config.poll.failure_threshold
    if failing and not status.get("reported_down"):
        report.newly_down.append(name)
        store.set_reported_down(name, True)
        log.error("source %s has failed %d polls in a row: %s", name,
                  status["consecutive_failures"], status.get("last_error"))
    elif status["consecutive_failures"] == 0 and status.get("reported_down"):
        report.recovered.append(name)
        store.set_reported_down(name, False)
        log.warning("source %s has recovered", name)


def _item_record(item: Item) -> dict:
    return {"key": item.key, "source": item.source, "url": item.url, "title": item.title,
            "summary": item.summary, "published": item.published.isoformat() if item.published else None}


def _item(record: dict) -> Item:
    published = datetime.fromisoformat(record["published"]) if record.get("published") else None
    return Item(source=record["source"], url=record["url"], key=record["key"],
                title=record.get("title") or "", summary=record.get("summary") or "", published=published)


def _read_item(cycle: Cycle, fetcher, item: Item) -> None:
    """Fetch, extract and record one item; a page that fails stays pending for the next run."""
    config, store, report, now = cycle.config, cycle.store, cycle.report, cycle.now
    if store.is_seen(item.key):
        store.drop_pending_item(item.key)  # a crash came after marking it seen
        return
    if report.silent and not (item.published and _too_old(config, item, None, now)):
        return  # backfill records only what is old; recent items wait for a normal run to alert
    log.info("reading %s", item.url)
    # Converters and the extractor load with the first item: a quiet poll never pays for them.
    from bot.convert import bytes_to_page

    try:
        response = fetcher.get(item.url)
        page = bytes_to_page(response.body, response.url, response.headers.get("content-type", ""))
    except BotError as e:
        _item_failed(store, item, e, report)
        return
    except Exception as e:  # noqa: BLE001 (a page the converters choke on: that item's failure only)
        log.debug("item %s failed", item.url, exc_info=True)
        _item_failed(store, item, BotError(f"{item.url}: could not be read ({e.__class__.__name__}: {e})"), report)
        return
    try:
        _extract_and_record(cycle, item, page, fetcher)
    except StateError:
        raise  # a corrupt or unwritable state file stops the run (exit 2): never an item's fault
    except Exception as e:  # noqa: BLE001 (one strange page must never stop the others)
        log.debug("item %s failed", item.url, exc_info=True)
        _item_failed(store, item, BotError(f"{item.url}: could not be read ({e.__class__.__name__}: {e})"), report)


# A page that cannot be read is tried again on later runs, but not for ever: a 404/410 or an
# unreadable document (a PDF without text) is given up at once, anything else after 5 tries.
MAX_ITEM_ATTEMPTS = 5


def _item_failed(store, item: Item, error: BotError, report: CycleReport) -> None:
    """Keep the item for the next run, or give it up (reported once) when it can never be read."""
    pending = next((p for p in store.pending_items() if p["key"] == item.key), None)
    attempts = (pending["attempts"] if pending else 0) + 1
    gone = isinstance(error, SourceError) and error.gone
    hopeless = isinstance(error, InputError) or gone or attempts >= MAX_ITEM_ATTEMPTS
    if hopeless:
        message = f"item: {error} (giving up after {attempts} attempt{'s' if attempts > 1 else ''})"
        store.mark_seen(item.key, source=item.source, url=item.url, published=None)
        store.drop_pending_item(item.key)
    else:
        message = f"item: {error} (will retry next run)"  # the error names the URL
        store.item_failed(item.key, str(error))
    report.item_failures.append(message)
    log.info("%s", message)  # the CLI prints failures once; serve logs its poll line


def _extract_and_record(cycle: Cycle, item: Item, page, fetcher=None) -> None:
    from bot.events import Reading, record_unit
    from bot.extract import extract

    store, report = cycle.store, cycle.report
    result = extract(page.text, title=page.title or item.title, published=page.published)
    published = result.published or (item.published.date().isoformat() if item.published else None)
    quiet = report.silent or _too_old(cycle.config, item, published, cycle.now)
    links = (display_url(item.url),)  # as published, less "?utm_source=rss" and "#0"
    if result.is_inspection and page.report_links and fetcher is not None:
        result, links = _with_report(fetcher, result, page.report_links[0], links)
    source = next((s for s in cycle.config.sources if s.name == item.source), None)
    official = source.is_official if source is not None else official_url(item.url)
    label = source_label(item.url, item.source)
    for unit in result.units:
        record_unit(cycle, Reading(item=item, result=result, unit=unit, published=published, links=links,
                                   quiet=quiet, official=official, label=label))
    store.mark_seen(item.key, source=item.source, url=item.url, published=published)
    store.drop_pending_item(item.key)
    report.new_items += 1


def _with_report(fetcher, result: Extraction, url: str, links: tuple) -> tuple[Extraction, tuple]:
    """Fill what a press release leaves out (score, standards, recommendations) from its report PDF.

    The report is a bonus: if it cannot be read, the release alone is recorded.
    """
    from bot.convert import bytes_to_page
    from bot.extract import extract

    try:
        response = fetcher.get(url)
        report = extract(bytes_to_page(response.body, response.url, response.headers.get("content-type", "")).text)
    except BotError as e:
        log.info("report %s not read: %s", url, e)
        return result, links
    main = result.units[0]
    from_report = next((u for u in report.units if u.name == main.name), None)
    if from_report is None:
        return result, links  # a report about another unit: not this release's
    filled = replace(main, score=main.score or from_report.score,
                     recommendations=main.recommendations if main.recommendations is not None
                     else from_report.recommendations)
    return replace(result, units=(filled, *result.units[1:]),
                   standards=result.standards or report.standards), links + (url,)


def _too_old(config, item: Item, published: str | None, now: datetime) -> bool:
    """Older than alert_max_age_days by the feed's own date (else the page's): record silently."""
    when = item.published
    if when is None and published:
        try:
            when = datetime.fromisoformat(published).replace(tzinfo=timezone.utc)
        except ValueError:
            return False  # an impossible date ("2026-02-30") is no date
    return when is not None and now - when > timedelta(days=config.alert_max_age_days)


def read_pending(config: Config, store: Store, fetcher: Fetcher, report: CycleReport, now: datetime,
                 on_item=None) -> None:
    """Read every item waiting in the queue, alerting no one (`backfill`'s second half)."""
    from bot.events import Cycle

    cycle = Cycle(config=config, store=store, notifiers=[], report=report, now=now)
    for pending in store.pending_items():
        _read_item(cycle, fetcher, _item(pending))
        if on_item is not None:
            on_item(pending["url"])


def pending_record(item: Item) -> dict:
    """An item as the pending queue keeps it."""
    return _item_record(item)


def poll_once(config: Config, *, dry_run: bool = False, wait: float = 0, now=None,
              notifiers: list[Notifier] | None = None) -> CycleReport:
    """Open the state (taking the lock, or read-only for a dry run), run one cycle, close."""
    with Store(config.state_dir, lock=not dry_run, wait=wait) as store:
        return run_cycle(config, store, dry_run=dry_run, now=now, notifiers=notifiers)
