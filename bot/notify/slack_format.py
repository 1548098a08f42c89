"""Slack messages for alerts: Block Kit plus a plain fallback, every scraped string escaped.

Scraped text (unit names, titles, findings, URLs) comes from web pages we do not control.
In mrkdwn, `<...>` is markup: `<!channel>` pings a channel, `<@U123>` mentions a user and
`<https://evil|gov.uk>` disguises a link. So every scraped string goes through `escape`
(`&`, `<`, `>` as entities), links are built only from validated http(s) URLs with labels
of our own, and the header (a plain_text block, where Slack parses no markup) has its
angle brackets swapped for look-alikes. We never add `@channel` ourselves.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from bot.dates import spoken_date
from bot.models import Alert
from bot.notify.evidence import evidence_line, unconfirmed_line

EVENT_TYPE = "hmip_alert"  # message metadata type: lets a later run find what it posted

SYMBOLS = {"up": "▲", "down": "▼", "same": "◆", "new": "★"}
TYPE_WORDS = {"PDU": "Probation delivery unit", "YJS": "Youth justice service",
              "region": "Probation region", "other": "Other"}

HEADER_MAX = 150  # Block Kit limits
FINDING_MAX = 300
TITLE_MAX = 300
MAX_FINDINGS = 4

# Broadcast words: harmless as plain text with link_names off, but incoming webhooks and
# old clients have linkified them, so a word joiner after "@" defuses them everywhere.
_BROADCAST = re.compile(r"@(?=(channel|here|everyone)\b)", re.I)
_SPACE = re.compile(r"\s+")


def _clean(text: object) -> str:
    """A one-line string: whitespace collapsed, broadcast words defused."""
    return _BROADCAST.sub("@\u2060", _SPACE.sub(" ", str(text)).strip())


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def escape(text: object) -> str:
    """Scraped text made inert for mrkdwn: `&`, `<`, `>` as entities, broadcasts defused."""
    return _clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: object, limit: int = HEADER_MAX) -> str:
    """Scraped text for a plain_text object: no markup is parsed there, but no brackets either."""
    return _cut(_clean(text).replace("<", "‹").replace(">", "›"), limit)


def safe_url(url: object) -> str | None:
    """An http(s) URL ready to sit inside `<url|label>`, or None if it is not one."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        return None  # whitespace or control characters: not a URL a page should give us
    # "|" ends the URL part of a link and "<>" are markup: percent-encode them.
    return quote(url, safe="/:?#[]@!$&'()*+,;=%~-._").replace("&", "&amp;")


def link_label(url: str) -> str:
    """Our own words for what a link is: press release, report, or news coverage."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.lower()
    if host.endswith("justiceinspectorates.gov.uk"):
        report = path.endswith(".pdf") or "/document/" in path or "/inspections/" in path
        return "Report" if report else "Press release"
    if host == "gov.uk" or host.endswith(".gov.uk"):
        if path.endswith(".pdf") or "/media/" in path or "/publications/" in path:
            return "Report"
        return "Press release"
    return f"News: {host}"


def header_text(alert: Alert) -> str:
    """E.g. 'Northamptonshire PDU: Requires improvement → Inadequate (down)'."""
    unit, new, prev = alert.unit.name, alert.unit.rating, alert.previous_rating
    direction = alert.direction
    if not new:
        change = "inspection published (rating not stated)"
    elif direction in ("up", "down") and prev:
        change = f"{prev} → {new} ({direction})"
    elif direction == "same":
        change = f"still {new} (no change)"
    elif direction == "new":
        change = f"{new} (new: first inspection)"
    elif direction in ("up", "down"):
        change = f"{new} ({direction})"
    elif alert.previous_unclear:
        change = f"rated {new} (previous rating unclear)"
    else:
        change = f"rated {new}" + (f" (previously {prev})" if prev else "")
    # Said up front, as notifications show only this line: no official source has stated it.
    return f"{unit}: {change}" + (" [unconfirmed]" if alert.reported_by else "")


def _symbol(alert: Alert) -> str:
    return SYMBOLS.get(alert.direction or "", "•")


def nice_date(value: str | None) -> str | None:
    """'2024-11-15' as '15 November 2024', '2022-05' as 'May 2022'; anything else as given."""
    return (spoken_date(value) or value) if value else None


def _facts(alert: Alert) -> list[str]:
    """The mrkdwn fields: region, type, date, score, recommendations, previous inspection."""
    unit = alert.unit
    previous = None
    if alert.previous_rating:
        when = nice_date(alert.previous_published or unit.previous_inspection)
        previous = alert.previous_rating + (f" ({when})" if when else "")
    pairs = [
        ("Region", unit.region),
        ("Type", TYPE_WORDS.get(unit.type, unit.type)),
        ("Published", nice_date(alert.published)),
        ("Score", unit.score),
        ("Recommendations", unit.recommendations),
        ("Previous", previous),
    ]
    return [f"*{label}*\n{escape(value)}" for label, value in pairs if value not in (None, "")]


def _links(alert: Alert) -> str | None:
    seen, parts = set(), []
    for raw in alert.links:
        url = safe_url(raw)
        if url and url not in seen:
            seen.add(url)
            parts.append(f"<{url}|{escape(link_label(raw.strip()))}>")
    return " · ".join(parts) or None


def fallback_text(alert: Alert) -> str:
    """The notification text: the header plus where and when, escaped."""
    extra = [x for x in (alert.unit.region, nice_date(alert.published)) if x]
    tail = f" — {', '.join(extra)}" if extra else ""
    return escape(f"{_symbol(alert)} {header_text(alert)}{tail}")


def build_message(alert: Alert) -> dict:
    """The chat.postMessage arguments (text, blocks, metadata) for one alert."""
    blocks: list[dict] = [{"type": "header", "text": {
        "type": "plain_text", "text": plain(f"{_symbol(alert)} {header_text(alert)}"), "emoji": True}}]
    if alert.title:
        blocks.append(_section(escape(_cut(_clean(alert.title), TITLE_MAX))))
    facts = _facts(alert)
    if facts:
        blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in facts]})
    findings = [escape(_cut(_clean(f), FINDING_MAX)) for f in alert.findings if str(f).strip()]
    if findings:
        bullets = "\n".join(f"• {f}" for f in findings[:MAX_FINDINGS])
        blocks.append(_section(f"*Headline findings*\n{bullets}"))
    proof = [escape(line) for line in (unconfirmed_line(alert), evidence_line(alert)) if line]
    if proof:  # where the claim comes from, in the words of the text
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": p} for p in proof]})
    links = _links(alert)
    if links:
        blocks.append(_section(f"*Links:* {links}"))
    if alert.is_update:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": "Updated with detail from a later source."}]})
    return {
        "text": fallback_text(alert),
        "blocks": blocks,
        "metadata": {"event_type": EVENT_TYPE,
                     "event_payload": {"event_id": alert.event_id, "unit": plain(alert.unit.name)}},
    }


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def ops_text(text: str) -> str:
    """An operations notice (e.g. 'source X failing') as inert mrkdwn."""
    lines = [escape(line) for line in str(text).splitlines() if line.strip()]
    return _cut("\n".join(lines), 3000)
