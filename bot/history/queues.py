"""The state's queues: items waiting to be read, the delivery outbox and the digest queue.

A mixin of `Store`: it works only through the store's primitives (`_get`, `_put`, `_edit`,
`_remove`, `_scan`) and never touches TinyDB itself.
"""

from __future__ import annotations

import time
from datetime import datetime

from .storage import DELIVERIES, DIGEST_QUEUE, DIGESTS, PENDING, _plain, iso


class QueuesMixin:
    """Pending items, outbox deliveries and digest entries (see `Store`)."""

    def add_pending_item(self, item: dict) -> None:
        """Remember an item a source listed until its page is read (a 304 later won't list it)."""
        if self._get(PENDING, item["key"]) is None:
            self._put(PENDING, item["key"], {**item, "attempts": 0, "last_error": None,
                                             "found_at": iso(), "order": time.time_ns()})

    def pending_items(self) -> list[dict]:
        """Items listed but not yet handled, oldest first."""
        return sorted(self._scan(PENDING), key=lambda i: (i.get("order", 0), i["key"]))

    def item_failed(self, key: str, error: str) -> None:
        """Record a failed attempt to read a pending item; it is tried again next run."""
        self._edit(PENDING, key, lambda i: dict(attempts=i["attempts"] + 1, last_error=error))

    def drop_pending_item(self, key: str) -> None:
        """Forget a pending item (it has been handled and marked seen)."""
        self._remove(PENDING, key)

    def enqueue(self, event_id: str, channel: str, alert: dict, *, notifier: str = "slack") -> dict:
        """Queue `alert` for `channel` once; a changed alert already sent is flagged needs_update."""
        entry_id = f"{notifier}:{channel}:{event_id}"
        alert = _plain(alert)
        entry = self._get(DELIVERIES, entry_id)
        if entry is None:
            entry = {"id": entry_id, "event_id": event_id, "channel": channel,
                     "notifier": notifier, "alert": alert, "status": "pending", "ts": None,
                     "attempts": 0, "last_error": None, "permanent": False,
                     "needs_update": False, "queued_at": iso(), "sent_at": None, "sending_at": None,
                     "order": time.time_ns()}  # delivery follows the pipeline's order
        elif entry["alert"] == alert:
            return entry  # the same alert again: nothing to write
        else:
            entry["alert"] = alert
            entry["needs_update"] = entry["needs_update"] or entry["sent_at"] is not None
        return self._put(DELIVERIES, entry_id, entry)

    def pending(self, notifier: str | None = None) -> list[dict]:
        """Deliveries still to make: unsent, interrupted, or sent but since updated."""
        def wanted(e: dict) -> bool:
            todo = e["status"] in ("pending", "sending") or (e["status"] == "sent" and e["needs_update"])
            return todo and not e["permanent"] and notifier in (None, e["notifier"])
        return [e for e in self.outbox_entries() if wanted(e)]

    def mark_sending(self, entry_id: str) -> None:
        """Record that a delivery attempt starts (so a crash mid-send is retried)."""
        self._edit(DELIVERIES, entry_id,
                   lambda e: dict(status="sending", sending_at=iso(), attempts=e["attempts"] + 1))

    def mark_sent(self, entry_id: str, ts: str | None = None) -> None:
        """Record a delivery accepted by the channel (`ts`: Slack's message id)."""
        self._edit(DELIVERIES, entry_id, lambda e: dict(
            status="sent", ts=e["ts"] if ts is None else ts, sent_at=iso(), needs_update=False,
            last_error=None))

    def mark_failed(self, entry_id: str, error: str, *, permanent: bool = False) -> None:
        """Record a failed attempt: retried later unless `permanent`."""
        def changes(e: dict) -> dict:
            # A failed *update* of a delivered message stays "sent" (with needs_update) so
            # that the retry edits that message instead of posting a second one.
            retry = "sent" if e["sent_at"] and e["needs_update"] else "pending"
            return dict(last_error=error, permanent=permanent, status="failed" if permanent else retry)
        self._edit(DELIVERIES, entry_id, changes)

    def mark_unconfirmed(self, entry_id: str, error: str) -> None:
        """Record an attempt with no reply (it may have arrived): it stays "sending", to be checked."""
        self._edit(DELIVERIES, entry_id, lambda e: dict(status="sending", last_error=error))

    def set_channel_id(self, entry_id: str, channel_id: str) -> None:
        """Remember the id of the channel a delivery went to (Slack edits messages by id)."""
        self._edit(DELIVERIES, entry_id, lambda e: dict(channel_id=channel_id))

    def outbox_entries(self) -> list[dict]:
        """Every delivery, oldest first."""
        return sorted(self._scan(DELIVERIES), key=lambda e: (e["queued_at"][:19], e.get("order", 0), e["id"]))

    def queue_digest(self, digest: str, event_id: str, alert: dict) -> None:
        """Add an alert to the next `digest` once (a newer version replaces an unsent one)."""
        key = f"{digest}\x1f{event_id}"
        alert = _plain(alert)
        entry = self._get(DIGEST_QUEUE, key)
        if entry is not None and (entry["sent_at"] is not None or entry["alert"] == alert):
            return  # already mailed, or unchanged
        queued_at = entry["queued_at"] if entry else iso()
        self._put(DIGEST_QUEUE, key, {"digest": digest, "event_id": event_id, "alert": alert,
                                      "queued_at": queued_at, "sent_at": None})

    def digest_entries(self, digest: str) -> list[dict]:
        """The alerts waiting for `digest`, oldest first."""
        entries = [e for e in self._scan(DIGEST_QUEUE) if e["digest"] == digest and e["sent_at"] is None]
        return [{k: e[k] for k in ("digest", "event_id", "alert", "queued_at")}
                for e in sorted(entries, key=lambda e: (e["queued_at"], e["event_id"]))]

    def mark_digest_sent(self, digest: str, event_ids: list[str], when: datetime) -> None:
        """Record `digest` as sent at `when` with these alerts, in one write."""
        with self.batch():
            for event_id in event_ids:
                key = f"{digest}\x1f{event_id}"
                entry = self._get(DIGEST_QUEUE, key)
                if entry is not None:
                    # Kept (not removed) so that a later report of the event is not mailed again.
                    self._put(DIGEST_QUEUE, key, {**entry, "sent_at": iso(when)})
            self.set_digest_last_sent(digest, when)

    def digest_last_sent(self, digest: str) -> datetime | None:
        """When `digest` was last sent, or None."""
        found = self._get(DIGESTS, digest)
        return datetime.fromisoformat(found["last_sent"]) if found and found["last_sent"] else None

    def set_digest_last_sent(self, digest: str, when: datetime) -> None:
        """Record when `digest` was last sent."""
        self._put(DIGESTS, digest, {"digest": digest, "last_sent": iso(when)})
