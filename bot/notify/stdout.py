"""Alerts as terminal text: what `run` and `demo` print when no other channel is configured."""

from __future__ import annotations

import json
import sys

from bot.models import Alert, change_text
from bot.notify import DeliveryReport, Notifier

ARROWS = {"up": "↑", "down": "↓", "same": "→", "new": "★", None: "·"}


def headline(alert: Alert) -> str:
    """'Sheffield PDU: Requires improvement → Inadequate (down)'."""
    unit = alert.unit
    return f"{unit.name}: " + change_text(unit.rating, alert.previous_rating, alert.direction,
                                          unclear=alert.previous_unclear)


def format_alert(alert: Alert, *, findings: int = 2) -> str:
    """A few lines per alert: headline, facts, findings, links."""
    from bot.notify.evidence import evidence_line, unconfirmed_line  # with the first alert printed

    unit = alert.unit
    facts = [x for x in (
        unit.type, unit.region, f"published {alert.published}" if alert.published else None,
        f"score {unit.score}" if unit.score else None,
        f"{unit.recommendations} recommendations" if unit.recommendations is not None else None,
        f"previous inspection {alert.previous_published}" if alert.previous_published else None,
    ) if x]
    lines = [f"{ARROWS.get(alert.direction, '·')} {headline(alert)}", "    " + " · ".join(facts)]
    lines += [f"    {line}" for line in (evidence_line(alert), unconfirmed_line(alert)) if line]
    lines += [f"    – {f}" for f in alert.findings[:findings]]
    lines += [f"    {link}" for link in alert.links]
    return "\n".join(lines)


class StdoutNotifier(Notifier):
    """Print alerts to the terminal (when no Slack or email is configured).

    Alerts go through the outbox like any channel's, so a run killed after recording an
    inspection but before printing it prints that alert on the next run instead of losing it.
    Delivered once at the end of the cycle, so `--json` prints one list.
    """

    name = "stdout"

    def __init__(self, *, as_json: bool = False, stream=None):
        self.as_json = as_json
        self.stream = stream

    def queue(self, alerts, store) -> int:
        """Queue new events (updates of earlier ones are not news on a terminal)."""
        fresh = [a for a in alerts if not a.is_update]
        for alert in fresh:
            store.enqueue(alert.event_id, "terminal", alert.to_json(), notifier=self.name)
        return len(fresh)

    def deliver(self, store, *, now=None):
        """Print what is pending, then mark it delivered."""
        entries = store.pending(self.name)
        # Print each event as it stands now: later sources may have added links or the direction.
        alerts = [Alert.from_json({**e["alert"], **(store.get_inspection(e["event_id"]) or {}),
                                   "is_update": False}) for e in entries]
        out = self.stream or sys.stdout
        if self.as_json:
            print(json.dumps([a.to_json() for a in alerts], ensure_ascii=False, indent=2), file=out)
        for alert in [] if self.as_json else alerts:
            print(format_alert(alert) + "\n", file=out)
        out.flush()
        for entry in entries:
            store.mark_sent(entry["id"])
        return DeliveryReport(sent=len(entries))
