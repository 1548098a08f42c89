"""The one-line proof under every alert: the sentence its rating was read from, and any caveat.

Plain text here; each channel escapes it for its own markup (scraped sentences are untrusted).
"""

from __future__ import annotations

import re

from bot.models import Alert

QUOTE_MAX = 140  # characters of the sentence shown: enough for the claim, short enough for one line

# Where a sentence says the rating, so that a long one is cut around those words.
_RATING_WORDS = {"Outstanding": r"\boutstanding\b", "Good": r"\bgood\b", "Inadequate": r"\binadequate\b",
                 "Requires improvement": r"\brequir\w*\s+improvement"}


def short_quote(sentence: str, rating: str | None, limit: int = QUOTE_MAX) -> str:
    """The sentence on one line; a long one cut at word ends around its rating words, with '…'."""
    text = " ".join(str(sentence).split())
    if len(text) <= limit:
        return text
    pattern = _RATING_WORDS.get(rating or "")
    found = re.search(pattern, text, re.I) if pattern else None
    centre = found.end() if found else 0
    # Most of the room goes before the rating: the subject and verb lead up to it.
    start = max(0, min(centre - limit * 3 // 4, len(text) - limit))
    end = min(len(text), start + limit)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < centre else start
    if end < len(text):
        space = text.rfind(" ", centre, end)
        end = space if space > centre else end
    return ("…" if start > 0 else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def evidence_line(alert: Alert) -> str | None:
    """"Read from: '…has received an overall rating of 'Inadequate'…' (HMI Probation)", or None."""
    sentence = (alert.unit.evidence or {}).get("rating")
    if not sentence or not str(sentence).strip():
        return None
    where = f" ({alert.evidence_source})" if alert.evidence_source else ""
    return f"Read from: '{short_quote(sentence, alert.unit.rating)}'{where}"


def unconfirmed_line(alert: Alert) -> str | None:
    """The mark of an alert sent after its hold without confirmation, or None."""
    if not alert.reported_by:
        return None
    if not alert.unit.rating:
        return f"Rating not stated: reported by {alert.reported_by}; no source has stated it yet"
    return f"Unconfirmed: reported by {alert.reported_by}; no official source has stated this rating"
