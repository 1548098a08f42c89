"""Email digests: the notifier, a pass that sends the due ones, and the SMTP session."""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import Path

from bot.config import Config, Digest, EmailConfig, SmtpConfig
from bot.cron import as_utc
from bot.digest import IMMEDIATE, fire_after, is_due, next_due, period_start, start_period
from bot.errors import ConfigError, DeliveryError
from bot.models import Alert
from bot.notify import DeliveryReport, Notifier
from bot.notify.email_format import _one_line, local_time, render_digest, slug
from bot.notify.filters import matches


class EmailNotifier(Notifier):
    """Email digests over SMTP: each digest collects matching events and mails them on its schedule."""

    name = "email"

    def __init__(self, config: EmailConfig, *, smtp_factory: Callable | None = None):
        self.config = config
        self.smtp_factory = smtp_factory

    def queue(self, alerts: list[Alert], store) -> int:
        """Add each new event to every digest whose filters it passes; return how many entries."""
        count = 0
        for alert in alerts:
            # An update (a later source filled in the direction, added links) replaces the
            # unsent entry, or enters a digest whose filter it now passes; a mailed one is kept.
            for digest in self.config.digests:
                if matches(digest, alert):
                    store.queue_digest(digest.name, alert.event_id, alert.to_json())
                    count += 1
        return count

    def deliver(self, store, *, now: datetime | None = None) -> DeliveryReport:
        """Send the digests that are due (immediate ones: each pending event on its own)."""
        report = send_digests(self.config, store, now=now, smtp_factory=self.smtp_factory)
        return DeliveryReport(sent=len(report.sent), failures=list(report.failures),
                              permanent=list(report.refused))


# --- rendering -----------------------------------------------------------------------


# --- a pass over the digests ------------------------------------------------------


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
    run = _Pass(email, store, as_utc(now or datetime.now(timezone.utc)), force, dry_run, smtp_factory)
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


# --- SMTP ----------------------------------------------------------------------------


@dataclass
class SendResult:
    """What the server did with one message: accepted for these, refused for those."""

    accepted: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one line per refused recipient


def open_smtp(smtp: SmtpConfig, *, tls_context: ssl.SSLContext | None = None) -> smtplib.SMTP:
    """Connect, start TLS and log in as the config says (STARTTLS is never skipped silently)."""
    context = tls_context or ssl.create_default_context()
    if smtp.ssl:
        client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_seconds, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds)
    try:
        client.ehlo()
        if smtp.starttls and not smtp.ssl:
            client.starttls(context=context)
            client.ehlo()
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
    except BaseException:
        _close(client)
        raise
    return client


def _close(client) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


class SmtpSender:
    """One SMTP session, opened on the first message; every failure becomes a DeliveryError."""

    def __init__(self, smtp: SmtpConfig, factory: Callable | None = None):
        self.smtp = smtp
        self.factory = factory or open_smtp
        self.client = None

    def __enter__(self) -> "SmtpSender":
        return self

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            _close(self.client)
            self.client = None

    def send(self, msg: EmailMessage) -> SendResult:
        """Send `msg` to its To addresses; raise DeliveryError unless someone accepted it."""
        recipients = [addr for _, addr in getaddresses(msg.get_all("To", []))]
        try:
            if self.client is None:
                self.client = self.factory(self.smtp)
            refused = self.client.send_message(msg, from_addr=parseaddr(msg["From"])[1], to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as e:
            if all(500 <= code < 600 for code, _ in e.recipients.values()):
                # Every address refused for good: retrying would only fail again each run.
                return SendResult(accepted=[], refused=[
                    f"{addr}: {code} {self._text(text)}" for addr, (code, text) in e.recipients.items()])
            raise DeliveryError(self._explain(e)) from None
        except BaseException as e:
            if self.client is not None:
                self.client.close()  # a half-done session is not reused
                self.client = None
            if isinstance(e, (smtplib.SMTPException, OSError)):
                raise DeliveryError(self._explain(e)) from None
            raise
        return SendResult(
            accepted=[r for r in recipients if r not in refused],
            refused=[f"{addr}: {code} {self._text(text)}" for addr, (code, text) in refused.items()],
        )

    def _text(self, raw) -> str:
        """A server reply on one short line, with the password scrubbed should a server echo it."""
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        if self.smtp.password:
            text = text.replace(self.smtp.password, "***")
        return _one_line(text, 120)

    def _explain(self, e: BaseException) -> str:
        """A one-line reason for a failed send."""
        timeout = f"{self.smtp.timeout_seconds:g}s"
        if isinstance(e, smtplib.SMTPRecipientsRefused):
            lines = [f"{a} {c} {self._text(t)}" for a, (c, t) in e.recipients.items()]
            return "every recipient refused (" + "; ".join(lines) + ")"
        if isinstance(e, smtplib.SMTPAuthenticationError):
            return f"login refused for user {self.smtp.username!r} ({e.smtp_code} {self._text(e.smtp_error)})"
        if isinstance(e, smtplib.SMTPNotSupportedError):
            return self._text(e).rstrip(".")  # e.g. "STARTTLS extension not supported by server"
        if isinstance(e, smtplib.SMTPResponseException):
            return f"server answered {e.smtp_code} {self._text(e.smtp_error)}"
        if isinstance(e, smtplib.SMTPServerDisconnected):
            # smtplib raises this from the socket's own error: a timeout says so by its type.
            timed_out = isinstance(e.__cause__ or e.__context__, TimeoutError)
            return f"timed out after {timeout}" if timed_out else "the server closed the connection"
        if isinstance(e, ConnectionRefusedError):
            return "connection refused"
        if isinstance(e, socket.gaierror):
            return "host name not found"
        if isinstance(e, (TimeoutError, socket.timeout)):
            return f"timed out after {timeout}"
        if isinstance(e, ssl.SSLError):
            return f"TLS failed ({self._text(e.reason or e)})"
        return self._text(e) or e.__class__.__name__
