"""`serve`: APScheduler runs the poll, each digest and delivery retries, one job at a time."""

from __future__ import annotations

import logging
import os
import queue
import signal
import threading
import time
from datetime import datetime, timedelta, timezone

from apscheduler.events import EVENT_JOB_MAX_INSTANCES
from apscheduler.executors.base import BaseExecutor, run_job
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Config
from bot.cron import cron_trigger
from bot.errors import BotError, StateLocked
from bot.health import NEXT_POLL_META, SERVE_META
from bot.history import Store, iso

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 5.0  # a running job gets this long after SIGTERM before it is abandoned
MAX_JITTER_SECONDS = 60.0
MAX_LOCK_WAIT_SECONDS = 30.0  # a cron `run` holding the lock longer than this skips our poll
FIRST_RETRY_SECONDS = 60.0  # failed deliveries are retried after 1, 2, 4... minutes
# One run of a job at a time; runs missed meanwhile collapse into one; a late run still runs,
# however late (None), rather than being dropped.
JOB_DEFAULTS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}


def jitter_seconds(config: Config) -> float:
    """The configured jitter, else a tenth of the interval (at most a minute)."""
    if config.poll.jitter_seconds is not None:
        return max(0.0, config.poll.jitter_seconds)
    return min(config.poll.interval_minutes * 6.0, MAX_JITTER_SECONDS)


class SerialExecutor(BaseExecutor):
    """Runs jobs one at a time on one daemon thread, so a stop never waits on a hung fetch.

    A poll and a digest never run together (the Store is not thread-safe, and both take the
    state lock); a job that is due while another runs waits its turn.
    """

    def __init__(self):
        super().__init__()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._stopping = False

    def start(self, scheduler, alias):
        super().start(scheduler, alias)
        self._thread = threading.Thread(target=self._work, name="hmip-bot-jobs", daemon=True)
        self._thread.start()

    def _do_submit_job(self, job, run_times):
        self._queue.put((job, run_times))

    def _work(self) -> None:
        while (task := self._queue.get()) is not None:
            if self._stopping:
                continue  # drop jobs queued behind the one that was running at the stop
            job, run_times = task
            try:
                events = run_job(job, job._jobstore_alias, run_times, self._logger.name)
            except BaseException as e:  # run_job catches the job's own errors; this is the rest
                self._run_job_error(job.id, e, e.__traceback__)
            else:
                self._run_job_success(job.id, events)

    def shutdown(self, wait=True):
        self._stopping = True
        self._queue.put(None)
        if wait and self._thread is not None:
            self._thread.join()

    def join(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the worker to finish; True if it has."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()


class Server:
    """The jobs `serve` schedules; each opens the Store itself, so `run` can share the state."""

    def __init__(self, config: Config):
        self.config = config
        self.interval = config.poll.interval_minutes * 60.0
        self.lock_wait = min(MAX_LOCK_WAIT_SECONDS, self.interval / 2)
        self.executor = SerialExecutor()
        self.scheduler = BackgroundScheduler(
            timezone=timezone.utc,
            executors={"default": self.executor},
            job_defaults=JOB_DEFAULTS,
        )
        self.polls = 0
        self._retry_delay = FIRST_RETRY_SECONDS
        self._running: dict[str, float] = {}  # job id -> monotonic start, while it runs
        self.scheduler.add_listener(self._overlap, EVENT_JOB_MAX_INSTANCES)

    def start(self) -> None:
        """Register the jobs (the first poll runs at once) and start the scheduler thread."""
        self.add_jobs()
        self.scheduler.start()
        log.info("serve: polling %d sources every %s, %d digest schedules (pid %d)",
                 len(self.config.sources), _duration(self.interval),
                 len(self.scheduler.get_jobs()) - 1, os.getpid())
        for job in self.scheduler.get_jobs():
            if job.id.startswith("digest:") and job.next_run_time is not None:
                log.info("serve: %s next at %s", job.name, job.next_run_time.strftime("%A %Y-%m-%d %H:%M %Z"))

    def add_jobs(self) -> None:
        """The poll, due now and then every interval (plus jitter), and each scheduled digest."""
        now = datetime.now(timezone.utc)
        self.scheduler.add_job(
            self.poll, IntervalTrigger(seconds=self.interval, jitter=jitter_seconds(self.config),
                                       timezone=timezone.utc),
            id="poll", name="poll", next_run_time=now, **JOB_DEFAULTS,
        )
        for digest in self.config.email.digests if self.config.email else ():
            if digest.schedule == "immediate":
                continue  # sent after each poll by the pipeline
            trigger = cron_trigger(digest.schedule, digest.timezone)  # crontab weekdays: 0/7 = Sunday
            self.scheduler.add_job(self.send_digest, trigger, args=[digest.name],
                                   id=f"digest:{digest.name}", name=f"digest {digest.name}",
                                   **JOB_DEFAULTS)

    def stop(self, grace: float = STOP_GRACE_SECONDS, abandon: threading.Event | None = None) -> bool:
        """Stop scheduling; give a running job `grace` seconds. True if it finished in time."""
        self.scheduler.shutdown(wait=False)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and not (abandon and abandon.is_set()):
            if self.executor.join(0.1):
                return True
        return self.executor.join(0)

    def _overlap(self, event) -> None:
        """A job came due while its previous run was still going: that run is skipped."""
        started = self._running.get(event.job_id)
        since = f" (running for {_duration(time.monotonic() - started)})" if started else ""
        log.warning("%s: the previous run is still going%s; skipped this one", event.job_id, since)

    # --- jobs: each catches everything, so nothing a source, Slack or SMTP does stops serve ---

    def poll(self) -> None:
        """One pipeline cycle under the state lock, then serve's next poll time for `status`."""
        from bot.pipeline import run_cycle

        def cycle(store: Store):
            report = run_cycle(self.config, store, notifiers=self._notifiers())
            self._record_next_poll(store)
            return report

        started = time.monotonic()
        report = self._locked("poll", cycle)
        if report is None:
            return
        self.polls += 1
        log.info("poll: %s (%.1fs)", report.summary(), time.monotonic() - started)
        for line in getattr(report, "publish_failures", ()):
            log.error("%s; trying again at the next poll", line)
        self._ops_notice(report.newly_down, report.recovered)
        self._after_deliveries(report.deliveries)

    def send_digest(self, name: str) -> None:
        """Send digest `name` if it is due (its cron time has come since it was last sent)."""
        from bot.notify.email import send_due_digests

        result = self._locked(f"digest:{name}",
                              lambda store: send_due_digests(self.config, store, name=name))
        if result is not None:
            for line in result.lines() or [f"email {name}: nothing due"]:
                log.info("digest: %s", line)
            self._after_deliveries(result)

    def retry_deliveries(self) -> None:
        """Deliver what earlier attempts left in the outbox (alerts and due digests)."""
        from bot.notify import DeliveryReport

        def deliver(store):
            report = DeliveryReport()
            for notifier in self._notifiers():
                report.merge(notifier.deliver(store))
            return report

        report = self._locked("retry", deliver)
        if report is not None:
            log.info("retry: %d delivered, %d updated, %d failures", report.sent, report.updated,
                     len(report.failures) + len(report.permanent))
            self._after_deliveries(report)

    def _notifiers(self) -> list:
        """The configured channels; with neither Slack nor email, stdout (as `run` prints)."""
        from bot.notify.channels import build_notifiers
        from bot.notify.stdout import StdoutNotifier

        return build_notifiers(self.config) or [StdoutNotifier()]

    def _locked(self, what: str, work):
        """Run job `what`'s `work(store)` with the Store locked; log and return None on any failure."""
        self._running[what] = time.monotonic()
        try:
            with Store(self.config.state_dir, wait=self.lock_wait) as store:
                return work(store)
        except StateLocked as e:
            log.warning("%s skipped: %s; trying again at the next interval", what, e)
        except BotError as e:
            log.error("%s failed: %s; trying again at the next interval", what, e)
        except Exception:  # a bug must not end months of unattended running
            log.exception("%s failed unexpectedly; trying again at the next interval", what)
        finally:
            self._running.pop(what, None)
        return None

    def _record_next_poll(self, store: Store) -> None:
        job = self.scheduler.get_job("poll")
        next_run = job.next_run_time if job is not None else None
        store.set_meta(NEXT_POLL_META, iso(next_run) if next_run else None)
        store.set_meta(SERVE_META, {"pid": os.getpid(), "updated": iso(),
                                    "interval_minutes": self.config.poll.interval_minutes})

    def _after_deliveries(self, report) -> None:
        """After failed deliveries, retry sooner than the next poll, backing off each time."""
        failures = getattr(report, "failures", None)
        if not failures:
            self._retry_delay = FIRST_RETRY_SECONDS
            return
        if self._retry_delay >= self.interval or not self.scheduler.running:
            return  # the next poll retries first thing anyway
        when = datetime.now(timezone.utc) + timedelta(seconds=self._retry_delay)
        self.scheduler.add_job(self.retry_deliveries, "date", run_date=when, id="retry",
                               name="retry deliveries", replace_existing=True)
        log.info("%d deliveries failed; retrying in %s", len(failures), _duration(self._retry_delay))
        self._retry_delay *= 2

    def _ops_notice(self, down: list[str], recovered: list[str]) -> None:
        """Tell the Slack ops channel, if one is set, about sources that went down or recovered."""
        slack = self.config.slack
        if not (down or recovered) or slack is None or not slack.ops_channel:
            return
        threshold = self.config.poll.failure_threshold
        lines = [f"hmip-bot: source {name} has failed {threshold} polls in a row" for name in down]
        lines += [f"hmip-bot: source {name} has recovered" for name in recovered]
        try:
            from bot.notify.slack import SlackNotifier

            SlackNotifier(slack).post_ops("\n".join(lines))
        except Exception as e:  # the log has said it already; Slack being down is not fatal
            log.warning("could not post to Slack ops channel %s: %s", slack.ops_channel,
                        e if isinstance(e, BotError) else type(e).__name__)


def serve(config: Config, *, stop: threading.Event | None = None,
          grace: float = STOP_GRACE_SECONDS) -> int:
    """Run the scheduler until SIGTERM or SIGINT (or `stop` is set); return the exit code 0."""
    stop = stop or threading.Event()
    abandon = threading.Event()
    received: list[str] = []
    restore = _install_signal_handlers(stop, abandon, received)
    _quiet_apscheduler()
    server = Server(config)
    try:
        server.start()
        while not stop.wait(1.0):
            pass
        log.info("serve: stopping%s", f" on {received[0]}" if received else "")
        if server.stop(grace, abandon):
            _forget_next_poll(config)
        else:
            # Each state write is atomic and the lock dies with the process: the item being
            # read stays pending and is read again at the next start.
            log.warning("serve: abandoned the running job after %gs", grace)
    finally:
        if server.scheduler.running:
            server.scheduler.shutdown(wait=False)
        restore()
    log.info("serve: stopped after %d polls", server.polls)
    return 0


def _forget_next_poll(config: Config) -> None:
    """No poll is planned any more: say so to `status` (if a `run` holds the lock, never mind)."""
    try:
        with Store(config.state_dir, wait=1.0) as store:
            store.set_meta(NEXT_POLL_META, None)
    except BotError as e:
        log.debug("could not clear the next poll time: %s", e)


def _install_signal_handlers(stop: threading.Event, abandon: threading.Event, received: list):
    """SIGTERM/SIGINT set `stop`; a second one abandons the running job. Returns an undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # only the main thread may set handlers (tests run serve in one)

    def handler(signum, frame):
        # No logging here: the main thread may be inside a log call when the signal lands.
        if stop.is_set():
            abandon.set()
        received.append(signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    return lambda: [signal.signal(sig, old) for sig, old in previous.items()]


class _NoOverlapWarning(logging.Filter):
    """Drop APScheduler's long 'maximum number of running instances' line: Server._overlap says it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances" not in str(record.msg)


def _quiet_apscheduler() -> None:
    """APScheduler logs two INFO lines per job run: keep them for DEBUG only."""
    aps = logging.getLogger("apscheduler")
    if aps.level == logging.NOTSET and logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        aps.setLevel(logging.WARNING)
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    if not any(isinstance(f, _NoOverlapWarning) for f in scheduler_log.filters):
        scheduler_log.addFilter(_NoOverlapWarning())


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.1f}s".replace(".0s", "s")
    return f"{seconds / 60:g} minutes"
