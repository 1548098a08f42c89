"""Alerts as terminal text: what `run` and `demo` print when no other channel is configured."""

from __future__ import annotations

from bot.models import Alert

ARROWS = {"up": "↑", "down": "↓", "same": "→", "new": "★", None: "·"}


def headline(alert: Alert) -> str:
    """'Sheffield PDU: Requires improvement → Inadequate (down)'."""
    unit = alert.unit
    if alert.direction == "new":
        change = f"{unit.rating} (first inspection)"
    elif alert.previous_rating and alert.direction == "same":
        change = f"{unit.rating} again (same)"
    elif alert.previous_rating:
        change = f"{alert.previous_rating} → {unit.rating} ({alert.direction or 'change unknown'})"
    else:
        change = f"{unit.rating} (no earlier rating known)"
    return f"{unit.name}: {change}"


def format_alert(alert: Alert, *, findings: int = 2) -> str:
    """A few lines per alert: headline, facts, findings, links."""
    unit = alert.unit
    facts = [x for x in (
        unit.type, unit.region, f"published {alert.published}" if alert.published else None,
        f"score {unit.score}" if unit.score else None,
        f"{unit.recommendations} recommendations" if unit.recommendations is not None else None,
        f"previous inspection {alert.previous_published}" if alert.previous_published else None,
    ) if x]
    lines = [f"{ARROWS.get(alert.direction, '·')} {headline(alert)}", "    " + " · ".join(facts)]
    lines += [f"    – {f}" for f in alert.findings[:findings]]
    lines += [f"    {link}" for link in alert.links]
    return "\n".join(lines)
