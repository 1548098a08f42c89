"""Email digests: when each one is due, and sending those that are.

Rules (also in the README):

- A digest's *period* starts at its last send. It is due when a time of its cron schedule,
  read in its time zone, falls in (period start, now]. However many scheduled times passed
  while the machine was off, that is one digest, sent on the next run.
- A digest never sent before starts its first period at its oldest queued event, or, with
  nothing queued, the first time the bot handles it: a new digest neither mails the whole
  history at once nor waits forever; it goes out at the first scheduled time after that.
- A scheduled time that comes with nothing to say (and `send_empty: false`) closes the
  period without an email, so an event found on Tuesday waits for the next Monday.
- A wall-clock time that the autumn clock change repeats counts once.
- `schedule: immediate`: every pending event is mailed on its own after the run that found it.
- An event is recorded as sent only once the SMTP server has accepted the message.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from bot.config import Config, Digest, EmailConfig
from bot.cron import next_fire
from bot.errors import ConfigError, DeliveryError
from bot.models import Alert
from bot.notify.email import SmtpSender, local_time, render_digest, slug

IMMEDIATE = "immediate"


def _utc(when: datetime) -> datetime:
    """An aware UTC datetime; naive ones are taken as UTC."""
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def fire_after(digest: Digest, after: datetime) -> datetime | None:
    """The first time of the digest's schedule strictly after `after` (UTC)."""
    return next_fire(digest.schedule, digest.timezone, after)


def is_due(digest: Digest, last_sent: datetime | None, now: datetime, *,
           since: datetime | None = None) -> bool:
    """Whether a scheduled time falls in (last_sent, now]; `since` stands in for a digest never sent.

    An immediate digest is always due (whether it has anything to send is another matter).
    """
    if digest.schedule == IMMEDIATE:
        return True
    start = last_sent or since
    if start is None:
        return False
    fire = fire_after(digest, start)
    return fire is not None and fire <= _utc(now)


def next_due(digest: Digest, last_sent: datetime | None, now: datetime, *,
             since: datetime | None = None) -> datetime | None:
    """The first scheduled time after the period start (already past: it goes on the next run).

    None for an immediate digest.
    """
    if digest.schedule == IMMEDIATE:
        return None
    return fire_after(digest, last_sent or since or now)


def _period_key(name: str) -> str:
    return f"digest_period_start:{name}"


def start_period(store, name: str, when: datetime) -> None:
    """Start a digest's next period at `when` without sending (a first sighting, an empty slot)."""
    store.set_meta(_period_key(name), _utc(when).isoformat())


def period_start(store, name: str, entries: list[dict] | None = None) -> datetime | None:
    """Where a digest's current period began: its last send or empty close, else its oldest entry."""
    closed = store.get_meta(_period_key(name))
    marks = [t for t in (store.digest_last_sent(name), closed and datetime.fromisoformat(closed)) if t]
    if marks:
        return max(_utc(t) for t in marks)
    entries = store.digest_entries(name) if entries is None else entries
    return min(_utc(datetime.fromisoformat(e["queued_at"])) for e in entries) if entries else None


@dataclass(frozen=True)
class Preview:
    """A message a dry run would have sent."""

    digest: str
    to: tuple[str, ...]
    events: int
    subject: str
    text: str
    html: str
    html_path: Path | None = None


@dataclass
class DigestReport:
    """What one pass over the digests did; each list holds one-line messages."""

    sent: list[tuple[str, int, tuple[str, ...]]] = field(default_factory=list)  # (digest, events, to)
    skipped: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # the digest stays pending: retried next run
    refused: list[str] = field(default_factory=list)  # one recipient refused (5xx): not retried
    previews: list[Preview] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.refused

    def lines(self) -> list[str]:
        """The report for people, one line per fact."""
        out = []
        for name, n, to in self.sent:
            what = f"{n} event{'s' if n != 1 else ''}" if n else "an empty digest"
            out.append(f"email {name}: sent {what} to {', '.join(to)}")
        for p in self.previews:
            where = f"; HTML written to {p.html_path}" if p.html_path else ""
            out.append(f"email {p.digest} (dry run): would send “{p.subject}” to {', '.join(p.to)}{where}")
        return out + self.skipped + self.failures + self.refused


@dataclass
class _Pass:
    """One pass over the digests: its settings and the report it fills."""

    email: EmailConfig
    store: object
    now: datetime
    force: bool
    dry_run: bool
    smtp_factory: object
    report: DigestReport = field(default_factory=DigestReport)


def send_due_digests(config: Config, store, *, now: datetime | None = None, name: str | None = None,
                     force: bool = False, dry_run: bool = False, html_out: Path | None = None,
                     smtp_factory=None) -> DigestReport:
    """Send the digests that are due (or only `name`; `force`: due or not); dry_run: render only."""
    if config.email is None:
        if name is not None:
            raise ConfigError(f"email.digests: no digest named '{name}' (no email section)")
        return DigestReport(skipped=["email: not configured"])
    return send_digests(config.email, store, now=now, name=name, force=force, dry_run=dry_run,
                        html_out=html_out, smtp_factory=smtp_factory)


def send_digests(email: EmailConfig, store, *, now: datetime | None = None, name: str | None = None,
                 force: bool = False, dry_run: bool = False, html_out: Path | None = None,
                 smtp_factory=None) -> DigestReport:
    """`send_due_digests` for the email section alone (what EmailNotifier.deliver calls)."""
    digests = email.digests
    if name is not None:
        digests = tuple(d for d in digests if d.name == name)
        if not digests:
            raise ConfigError(f"email.digests: no digest named '{name}'")
    run = _Pass(email, store, _utc(now or datetime.now(timezone.utc)), force, dry_run, smtp_factory)
    for digest in digests:
        entries = store.digest_entries(digest.name)
        with SmtpSender(email.smtp, smtp_factory) as sender:
            if digest.schedule == IMMEDIATE:
                _send_each(run, sender, digest, entries)
            else:
                _send_scheduled(run, sender, digest, entries)
    if html_out is not None and run.report.previews:
        run.report.previews = _write_html(run.report.previews, Path(html_out))
    return run.report


def _send_scheduled(run: _Pass, sender: SmtpSender, digest: Digest, entries: list[dict]) -> None:
    """Send one scheduled digest of every pending entry, if it is due (or forced)."""
    start = period_start(run.store, digest.name, entries)
    if start is None:
        start = run.now
        if not run.dry_run:
            start_period(run.store, digest.name, start)  # the first period starts now
    if not run.force and not is_due(digest, start, run.now):
        upcoming = next_due(digest, start, run.now)
        when = local_time(upcoming, digest.timezone) if upcoming else "never (no future time matches)"
        run.report.skipped.append(f"email {digest.name}: not due; next {when}")
        return
    if not entries and not digest.send_empty:
        if not run.force and not run.dry_run:
            start_period(run.store, digest.name, run.now)  # this slot passed: nothing to say
        run.report.skipped.append(f"email {digest.name}: nothing new (send_empty is false)")
        return
    alerts = [Alert.from_json(e["alert"]) for e in entries]
    _deliver(run, sender, digest, alerts, since=start)


def _send_each(run: _Pass, sender: SmtpSender, digest: Digest, entries: list[dict]) -> None:
    """An immediate digest: one email per pending event, each recorded as it is accepted."""
    if not entries:
        run.report.skipped.append(f"email {digest.name}: nothing pending")
        return
    for entry in entries:
        if not _deliver(run, sender, digest, [Alert.from_json(entry["alert"])], since=None):
            return  # the server is failing: the rest wait for the next run, in order


def _deliver(run: _Pass, sender: SmtpSender, digest: Digest, alerts: list[Alert], *,
             since: datetime | None) -> bool:
    """Render and send (or preview) one message; record it only once the server accepted it."""
    upcoming = fire_after(digest, run.now) if digest.schedule != IMMEDIATE else None
    msg = render_digest(digest, alerts, from_addr=run.email.from_addr, now=run.now,
                        since=since, next_send=upcoming)
    if run.dry_run:
        run.report.previews.append(Preview(
            digest=digest.name, to=digest.to, events=len(alerts), subject=msg["Subject"],
            text=msg.get_body(("plain",)).get_content(), html=msg.get_body(("html",)).get_content()))
        return True
    try:
        result = sender.send(msg)
    except DeliveryError as e:
        smtp = run.email.smtp
        run.report.failures.append(f"email {digest.name}: {smtp.host}:{smtp.port}: {e}; will retry")
        return False
    run.store.mark_digest_sent(digest.name, [a.event_id for a in alerts], run.now)
    run.report.sent.append((digest.name, len(alerts), tuple(result.accepted)))
    run.report.refused += [f"email {digest.name}: {line}; not retried" for line in result.refused]
    return True


def _write_html(previews: list[Preview], html_out: Path) -> list[Preview]:
    """Write each preview's HTML: to `html_out` itself if there is one, else numbered beside it."""
    out = []
    for i, preview in enumerate(previews, 1):
        path = html_out
        if len(previews) > 1:
            path = html_out.with_name(f"{html_out.stem}-{slug(preview.digest)}-{i}{html_out.suffix}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(preview.html, encoding="utf-8")
        out.append(replace(preview, html_path=path))
    return out


@dataclass(frozen=True)
class DigestStatus:
    """One digest as `status` shows it."""

    name: str
    schedule: str
    timezone: str
    pending: int
    last_sent: datetime | None
    next_due: datetime | None  # None: immediate; in the past: goes out on the next run


def digest_statuses(config: Config, store, *, now: datetime | None = None) -> list[DigestStatus]:
    """Every digest's pending count, last send and next due time."""
    now = _utc(now or datetime.now(timezone.utc))
    out = []
    for digest in config.email.digests if config.email else ():
        entries = store.digest_entries(digest.name)
        start = period_start(store, digest.name, entries)
        out.append(DigestStatus(digest.name, digest.schedule, digest.timezone, len(entries),
                                store.digest_last_sent(digest.name), next_due(digest, start, now)))
    return out
