"""Email digests as messages: plain text and HTML (autoescaped) from the templates, and headers."""

from __future__ import annotations

import functools
import hashlib
import re
import textwrap
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.config import Digest
from bot.dates import spoken_date
from bot.models import Alert
from bot.notify.evidence import evidence_line, unconfirmed_line


# Section order in a digest: the news people act on first.
DIRECTION_ORDER = ("down", "up", "same", "new", None)
_GROUPS = {  # direction: (section heading, subject word, accent colour)
    "down": ("Rated lower", "down", "#b3261e"),
    "up": ("Rated higher", "up", "#00703c"),
    "same": ("Rating unchanged", "same", "#505a5f"),
    "new": ("First inspection", "new", "#1d70b8"),
    None: ("No earlier rating to compare", "unknown", "#505a5f"),
}
MAX_FINDINGS, MAX_LINKS = 2, 4


@functools.cache
def _templates():
    """The digest templates, loaded with the first digest: a poll with nothing to mail never needs jinja2."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("bot.notify", "templates"),
        # HTML is escaped everywhere: unit names and findings are scraped text.
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["wrap"] = lambda text, first, rest: textwrap.fill(
        text, width=76, initial_indent=first, subsequent_indent=rest,
        break_long_words=False, break_on_hyphens=False,  # a URL in a finding stays whole
    )
    return env


def _one_line(text: str | None, limit: int = 300) -> str:
    """Scraped text on one line: whitespace and control characters collapsed, length capped."""
    text = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _long_date(value: str | None) -> str | None:
    """'2024-11-15' → '15 November 2024', '2022-05' → 'May 2022'; anything else as it was."""
    return spoken_date(value) or _one_line(value, 40) or None


def local_time(when: datetime, tz: str) -> str:
    """A moment in the digest's time zone, e.g. 'Monday 30 March 2026, 08:00 BST'."""
    local = when.astimezone(ZoneInfo(tz))
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M %Z}"


def _links(links) -> list[dict]:
    """Only http(s) links survive: a `javascript:` URL never becomes an href."""
    out = []
    for url in links:
        url = (url or "").strip()
        try:
            parts = urlsplit(url)
        except ValueError:  # 'http://[::1': no URL, no link
            continue
        if (parts.scheme.lower() in ("http", "https") and parts.hostname
                and not re.search(r"[\s<>\"']", url)):
            out.append({"url": url, "label": parts.hostname.removeprefix("www.")})
    return out[:MAX_LINKS]


def _event(alert: Alert) -> dict:
    """What the templates show of one alert, as plain one-line strings."""
    unit = alert.unit
    rating = unit.rating or "rating not stated"
    # Unclear: the text's previous rating is disputed by the record, so it is not shown as fact.
    previous = None if alert.previous_unclear else alert.previous_rating or unit.previous_rating
    if alert.previous_unclear:
        change = f"{rating} (previous rating unclear)"
    elif previous and alert.direction in ("up", "down", "same"):
        change = f"{previous} → {rating}"
    elif alert.direction == "new":
        change = f"{rating} (first inspection)"
    else:
        change = rating + (f" (previously {previous})" if previous else "")
    return {
        "unit": _one_line(unit.name, 120),
        "change": change,
        "type": unit.type,
        "region": _one_line(unit.region, 80) or "region not known",
        "rating": rating,
        "previous": previous,
        "previous_published": _long_date(alert.previous_published),
        "direction": alert.direction,
        "published": _long_date(alert.published) or "date not known",
        "score": _one_line(unit.score, 20) or None,
        "recommendations": unit.recommendations,
        "findings": [_one_line(f) for f in alert.findings[:MAX_FINDINGS] if _one_line(f)],
        "links": _links(alert.links),
        "evidence": _one_line(evidence_line(alert)) or None,
        "unconfirmed": _one_line(unconfirmed_line(alert)) or None,
    }


def _groups(alerts: list[Alert]) -> list[dict]:
    """The alerts by direction, downgrades first; newest first inside each group."""
    out = []
    for direction in DIRECTION_ORDER:
        found = [a for a in alerts if (a.direction if a.direction in _GROUPS else None) == direction]
        if found:
            found.sort(key=lambda a: a.unit.name.casefold())
            found.sort(key=lambda a: a.published or "", reverse=True)  # stable: newest, then A-Z
            heading, word, colour = _GROUPS[direction]
            out.append({"direction": direction or "unknown", "heading": heading, "word": word,
                        "colour": colour, "events": [_event(a) for a in found]})
    return out


def digest_subject(alerts: list[Alert]) -> str:
    """'3 probation inspections: 2 down, 1 up'; one event names its unit and rating."""
    if not alerts:
        return "No new probation inspections"
    if len(alerts) == 1:
        e = _event(alerts[0])
        change = {"down": f"down from {e['previous']}", "up": f"up from {e['previous']}",
                  "same": "same", "new": "first inspection"}.get(e["direction"] or "", "")
        if e["direction"] in ("down", "up") and not e["previous"]:
            change = e["direction"]
        suffix = f" ({change})" if change else ""
        return _one_line(f"1 probation inspection: {e['unit']} {e['rating']}{suffix}", 200)
    counts = ", ".join(f"{len(g['events'])} {g['word']}" for g in _groups(alerts))
    return f"{len(alerts)} probation inspections: {counts}"


def _filters_line(digest: Digest) -> str:
    parts = []
    if digest.directions:
        parts.append("changes: " + ", ".join(digest.directions))
    if digest.regions:
        parts.append("regions: " + ", ".join(digest.regions))
    if digest.unit_types:
        parts.append("unit types: " + ", ".join(digest.unit_types))
    return "; ".join(parts) or "every inspection"


def _domain(from_addr: str) -> str:
    address = parseaddr(from_addr)[1]
    return address.rpartition("@")[2].strip().lower() or "hmip-bot.invalid"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "digest"


def render_digest(digest: Digest, alerts: list[Alert], *, from_addr: str, now: datetime,
                  since: datetime | None = None, next_send: datetime | None = None) -> EmailMessage:
    """The digest as an email: plain text and HTML alternatives, with its headers set."""
    now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    subject = digest_subject(alerts)
    context = {
        "subject": subject,
        "digest": digest.name,
        "count": len(alerts),
        "groups": _groups(alerts),
        "since": local_time(since, digest.timezone) if since else None,
        "sent": local_time(now, digest.timezone),
        "schedule": "each event as it is found" if digest.schedule == "immediate"
        else f"cron “{digest.schedule}” in {digest.timezone}",
        "next_send": local_time(next_send, digest.timezone) if next_send else None,
        "filters": _filters_line(digest),
        "recipients": ", ".join(digest.to),
        "operator": parseaddr(from_addr)[1] or from_addr,
    }
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = from_addr
    msg["To"] = ", ".join(digest.to)
    msg["Date"] = format_datetime(now.astimezone(ZoneInfo(digest.timezone)))
    msg["Message-ID"] = _message_id(digest, alerts, from_addr, now)
    msg["List-Id"] = f"hmip-bot {digest.name} digest <{slug(digest.name)}.hmip-bot.{_domain(from_addr)}>"
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    # Quoted-printable keeps the source readable; spam filters frown on base64 text parts.
    msg.set_content(_templates().get_template("digest.txt.j2").render(context), cte="quoted-printable")
    msg.add_alternative(_templates().get_template("digest.html.j2").render(context), subtype="html",
                        cte="quoted-printable")
    return msg


def _message_id(digest: Digest, alerts: list[Alert], from_addr: str, now: datetime) -> str:
    """The same digest of the same events keeps its id, so a resend after a crash is deduplicated."""
    key = "\n".join(sorted(a.event_id for a in alerts)) if alerts else f"empty {now.isoformat()}"
    token = hashlib.sha1(f"{digest.name}\n{key}".encode()).hexdigest()[:20]
    return f"<hmip-bot.{slug(digest.name)}.{token}@{_domain(from_addr)}>"
