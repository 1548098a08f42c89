"""Notifiers: where alerts go. One module per channel; `bot.notify.channels` builds them from the config."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from bot.models import Alert


@dataclass
class DeliveryReport:
    """What one delivery pass did: counts, and one line per failure for the user."""

    sent: int = 0
    updated: int = 0
    failures: list[str] = field(default_factory=list)  # transient: retried next run
    permanent: list[str] = field(default_factory=list)  # stopped until the config is fixed

    def merge(self, other: "DeliveryReport") -> "DeliveryReport":
        self.sent += other.sent
        self.updated += other.updated
        self.failures += other.failures
        self.permanent += other.permanent
        return self

    @property
    def ok(self) -> bool:
        return not self.failures and not self.permanent


class Notifier(ABC):
    """One channel. `queue` records what must go out (inside the item's commit); `deliver` sends it.

    The pipeline treats every channel alike: it queues each alert with all of them while it
    reads, and calls `deliver` once at the end of the cycle. When a queued alert actually goes
    out is the channel's own business (Slack at once, a digest on its schedule).
    """

    name = "notifier"

    @abstractmethod
    def queue(self, alerts: list[Alert], store) -> int:
        """Put each alert in the outbox for every subscriber it matches; return how many entries."""

    @abstractmethod
    def deliver(self, store, *, now=None) -> DeliveryReport:
        """Send (or retry) whatever is due from the outbox; never raises for a delivery failure."""
