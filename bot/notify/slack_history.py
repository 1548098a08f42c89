"""Reading a channel back: did an interrupted post arrive? (conversations.history, by event id)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from bot.notify.slack_errors import CHANNEL_ID, Failure, Unverifiable
from bot.notify.slack_format import EVENT_TYPE

HISTORY_MARGIN = timedelta(minutes=2)  # clock skew between us and Slack
HISTORY_PAGES = 10


class ChannelHistory:
    """Finds an interrupted post in its channel, and channel names' ids, through one Web API `call`."""

    def __init__(self, call: Callable[..., dict], notifier: str):
        self.call = call  # SlackNotifier._call: one Web API call, `Failure` unless ok
        self.notifier = notifier
        self.channel_ids: dict[str, str] = {}

    def find_posted(self, store, entry: dict, now) -> tuple[dict, str] | None:
        """The message an interrupted attempt posted, with its channel id, or None if none was."""
        try:
            channel_id = entry.get("channel_id") or self.resolve_channel(store, entry["channel"])
            if channel_id is None:
                return None  # no such channel: the interrupted post cannot have arrived
            now = now or datetime.now(timezone.utc)
            since = _parse_time(entry.get("sending_at")) or now - timedelta(days=1)
            oldest = f"{(since - HISTORY_MARGIN).timestamp():.6f}"
            cursor = None
            for _ in range(HISTORY_PAGES):
                resp = self.call("conversations_history", channel=channel_id, oldest=oldest,
                                  include_all_metadata=True, limit=200, cursor=cursor)
                for msg in resp.get("messages") or []:
                    meta = msg.get("metadata") or {}
                    payload = meta.get("event_payload") or {}
                    if (meta.get("event_type"), payload.get("event_id")) == (EVENT_TYPE, entry["event_id"]):
                        return msg, channel_id
                cursor = (resp.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return None
        except Failure as f:
            if not f.permanent:
                f.unsure = True  # still unchecked: keep it "sending" for the next pass
                raise
            raise Unverifiable(
                f"may or may not have been posted: the last attempt was interrupted and the "
                f"channel can't be checked ({f.code}: grant channels:history, groups:history and "
                f"channels:read, or use a channel id); check the channel") from None
        raise Unverifiable("may or may not have been posted: too much history to check; "
                            "check the channel")

    def known_channel_id(self, store, channel: str) -> str | None:
        """A channel's id from config (an id already) or from an earlier delivery."""
        if CHANNEL_ID.match(channel):
            return channel
        if channel not in self.channel_ids:
            for e in store.outbox_entries():
                if e.get("channel_id") and e["notifier"] == self.notifier:
                    self.channel_ids.setdefault(e["channel"], e["channel_id"])
        return self.channel_ids.get(channel)

    def resolve_channel(self, store, channel: str) -> str | None:
        """A channel name's id, from what we know or conversations.list (needs channels:read)."""
        known = self.known_channel_id(store, channel)
        if known:
            return known
        name, cursor = channel.lstrip("#").casefold(), None
        for _ in range(HISTORY_PAGES):
            resp = self.call("conversations_list", types="public_channel,private_channel",
                              exclude_archived=True, limit=1000, cursor=cursor)
            for ch in resp.get("channels") or []:
                if str(ch.get("name", "")).casefold() == name:
                    self.channel_ids[channel] = ch["id"]
                    return ch["id"]
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return None


def _parse_time(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
