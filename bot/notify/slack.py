"""Slack delivery: a bot token (chat.postMessage / chat.update) or an incoming webhook.

Alerts are queued in the state's outbox, one entry per (event, channel), before anything
is sent; `deliver` works through what is pending and records Slack's `ts` after each post.

The crash window. Between Slack accepting a post and our recording its `ts`, a kill, a
power cut or a lost reply would leave us unsure whether the message is there. We choose
at-most-once over a duplicate:

- Each first post is marked "sending" in state before the request and carries message
  metadata `{"event_type": "hmip_alert", "event_payload": {"event_id": ...}}`.
- A request that got no reply (connection dropped or timed out after it was sent) stays
  "sending"; one that surely never arrived (connection refused, HTTP 5xx, 429, an API
  error) goes back to "pending".
- An entry found "sending" on a later pass is checked first: conversations.history of the
  channel since it was sent (less a margin) is searched for that event_id. Found: it is
  recorded as sent with that message's ts, never posted again. Not found: posted.
- If the history can't be read (no channels:history / groups:history scope, or the
  channel name can't be resolved without channels:read), it is *not* reposted: it is
  marked failed, permanently, "may or may not have been posted; check the channel".
- Incoming webhooks can't be read back or edited: a post that got no reply, or a "sending"
  leftover, is recorded as sent (unverified) and reported once. A later update of a
  webhook alert is not posted again.

Edits (chat.update) are idempotent, so an interrupted edit is simply redone.
"""

from __future__ import annotations

import http.client
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from bot.config import SlackConfig
from bot.errors import DeliveryError
from bot.models import Alert
from bot.notify import DeliveryReport, Notifier
from bot.notify.filters import matches
from bot.notify.slack_errors import (EDIT_ERRORS, Failure, Unverifiable, api_failure, label, network_failure,
                                     parse_retry_after)
from bot.notify.slack_format import build_message, ops_text
from bot.notify.slack_history import ChannelHistory

log = logging.getLogger(__name__)

RETRY_AFTER_CAP = 30.0  # seconds we will wait in-process for a 429; longer waits go to the next run
MAX_RATE_RETRIES = 3
CONNECT_RETRY_SECONDS = 1.0  # one more try when Slack could not be reached at all


@dataclass
class _Pass:
    """What one delivery pass has learnt: channels refused, whether to stop."""

    blocked: set
    stop: bool = False


class SlackNotifier(Notifier):
    """Posts alerts to Slack channels (bot token) or one incoming webhook; edits them when updated."""

    name = "slack"

    def __init__(self, config: SlackConfig, *, client=None, sleep=time.sleep, timeout: float = 15.0):
        self.config = config
        self.webhook = not config.token and bool(config.webhook_url)
        self._client = client
        self._sleep = sleep
        self.timeout = timeout
        self._history = ChannelHistory(self._call, self.name)

    # --- clients ------------------------------------------------------------------------

    def client(self):
        """The slack_sdk client, built on first use, with retry handlers that never risk a duplicate."""
        if self._client is None:
            # slack-sdk loads with the first delivery: a poll with nothing to send never needs it.
            from bot.notify.slack_client import build_client

            self._client = build_client(
                self.config, webhook=self.webhook, timeout=self.timeout, sleep=self._sleep,
                retry_after=parse_retry_after, max_rate_retries=MAX_RATE_RETRIES,
                retry_after_cap=RETRY_AFTER_CAP, connect_wait=CONNECT_RETRY_SECONDS)
        return self._client

    def _redact(self, text: str) -> str:
        for secret in (self.config.token, self.config.webhook_url):
            if secret:
                text = text.replace(secret, "[redacted]")
        return text

    def _call(self, method: str, **kwargs) -> dict:
        """One Web API call (slack-sdk's handlers wait out short 429s); `Failure` unless ok."""
        from slack_sdk.errors import SlackApiError, SlackClientError

        try:
            return getattr(self.client(), method)(**kwargs).data
        except SlackApiError as e:
            resp = e.response
            data = resp.data if isinstance(resp.data, dict) else {}
            raise api_failure(data.get("error"), resp.status_code, parse_retry_after(resp.headers)) from None
        except (SlackClientError, OSError, http.client.HTTPException) as e:
            raise self._transport_failure(e) from None

    def _transport_failure(self, err: Exception) -> Failure:
        from slack_sdk.errors import SlackClientError

        if isinstance(err, SlackClientError):  # slack_sdk refused to build the request
            return Failure(self._redact(f"request refused by slack_sdk ({err}), will retry next run"))
        return network_failure(err, self.timeout)

    def _send_webhook(self, message: dict) -> None:
        """One webhook post (webhooks answer with plain-text error codes)."""
        from slack_sdk.errors import SlackClientError

        try:
            resp = self.client().send(text=message["text"], blocks=message.get("blocks"),
                                      unfurl_links=False, unfurl_media=False)
        except (SlackClientError, OSError, http.client.HTTPException) as e:
            raise self._transport_failure(e) from None
        if resp.status_code != 200:
            raise api_failure((resp.body or "").strip(), resp.status_code, parse_retry_after(resp.headers))

    # --- queueing -------------------------------------------------------------------------

    def queue(self, alerts: list[Alert], store) -> int:
        """Queue each alert once per matching subscription (once in all for a webhook)."""
        count = 0
        for alert in alerts:
            channels = [s.channel for s in self.config.subscriptions if matches(s, alert)]
            if self.webhook and channels:
                channels = ["webhook"]  # one URL, one channel: never the same alert twice
            for channel in dict.fromkeys(channels):
                store.enqueue(alert.event_id, channel, alert.to_json(), notifier=self.name)
                count += 1
        return count

    # --- delivery -------------------------------------------------------------------------

    def deliver(self, store, *, now: datetime | None = None) -> DeliveryReport:
        """Send, edit or check everything pending for Slack; failures become report lines."""
        report = DeliveryReport()
        entries = store.pending(self.name)
        state = _Pass(blocked=set())
        for i, entry in enumerate(entries):
            if entry["channel"] in state.blocked:
                continue  # this channel refused us already in this pass; try again next run
            try:
                self._deliver_one(store, entry, report, now)
            except Failure as failure:
                self._failed(store, entry, failure, report, state, queued=len(entries) - i)
            except Unverifiable as e:
                store.mark_failed(entry["id"], str(e), permanent=True)
                report.permanent.append(f"slack {label(entry['channel'])}: {e}")
            if state.stop:
                break
        return report

    def _failed(self, store, entry: dict, f: Failure, report: DeliveryReport, state: _Pass,
                queued: int) -> None:
        line = f"slack {label(entry['channel'])}: {self._redact(str(f))}"
        if f.code in EDIT_ERRORS:
            store.mark_sent(entry["id"])  # the first message stands; the edit is dropped
            report.permanent.append(f"{line}; the earlier message was left as it was")
        elif f.permanent and f.scope in ("channel", "token"):
            # Fixable by the user (invite the bot, renew the token): the alert stays queued and
            # is tried once a run until then, so fixing it delivers everything held back.
            store.mark_failed(entry["id"], str(f))
            report.permanent.append(line)
            if f.scope == "channel":
                state.blocked.add(entry["channel"])
            state.stop = f.scope == "token"
        elif f.permanent:
            store.mark_failed(entry["id"], str(f), permanent=True)  # the message itself is refused
            report.permanent.append(line)
        elif f.unsure and self.webhook:
            store.mark_sent(entry["id"])  # at most once: a webhook post can't be checked
            report.permanent.append("slack webhook: no reply to a post; it may have arrived, and webhooks "
                                    "can't be checked, so it counts as sent (check the channel)")
        else:
            if f.unsure:
                store.mark_unconfirmed(entry["id"], str(f))
            else:
                store.mark_failed(entry["id"], str(f))
            report.failures.append(line + (f" ({queued} alerts queued)" if queued > 1 else ""))
            state.stop = True  # Slack is down or throttling us: the rest waits for the next run
        log.info("%s", line)  # the run reports it in one line; serve logs its poll line

    def _deliver_one(self, store, entry: dict, report: DeliveryReport, now) -> None:
        alert = Alert.from_json(entry["alert"])
        message = build_message(alert)
        if entry["sent_at"]:  # delivered before: this is an edit
            if entry["ts"] and not self.webhook:
                self._update(store, entry, message)
                report.updated += 1
            else:
                store.mark_sent(entry["id"])  # a webhook post can't be edited: it stands
            return
        if entry["status"] == "sending":
            if self.webhook:
                store.mark_sent(entry["id"])
                report.permanent.append(
                    "slack webhook: a post was interrupted last run; it may have arrived, and "
                    "webhooks can't be checked, so it counts as sent (check the channel)")
                return
            found = self._history.find_posted(store, entry, now)
            if found is not None:
                self._record_found(store, entry, found, message, report)
                return
        store.mark_sending(entry["id"])
        if self.webhook:
            self._send_webhook(message)
            store.mark_sent(entry["id"])
        else:
            resp = self._call("chat_postMessage", channel=entry["channel"], unfurl_links=False,
                              unfurl_media=False, link_names=False, **message)
            self._record_sent(store, entry["id"], resp.get("ts"), resp.get("channel"))
        report.sent += 1

    def _record_sent(self, store, entry_id: str, ts: str | None, channel_id: str | None) -> None:
        with store.batch():  # one write: sent, with where it went
            store.mark_sent(entry_id, ts)
            if channel_id:
                store.set_channel_id(entry_id, channel_id)

    def _update(self, store, entry: dict, message: dict) -> None:
        store.mark_sending(entry["id"])
        channel_id = entry.get("channel_id") or self._history.known_channel_id(store, entry["channel"])
        resp = self._call("chat_update", channel=channel_id or entry["channel"], ts=entry["ts"],
                          text=message["text"], blocks=message["blocks"],
                          metadata=message["metadata"], link_names=False)
        self._record_sent(store, entry["id"], resp.get("ts") or entry["ts"], resp.get("channel"))

    def _record_found(self, store, entry: dict, found: tuple[dict, str], message: dict,
                      report: DeliveryReport) -> None:
        """An interrupted post that did arrive: record it, and bring it up to date if it changed."""
        msg, channel_id = found
        self._record_sent(store, entry["id"], msg["ts"], channel_id)
        report.sent += 1
        log.info("slack %s: found the interrupted post of %s (ts %s); not posting again",
                 label(entry["channel"]), entry["event_id"], msg["ts"])
        if msg.get("text") != message["text"]:
            entry = {**entry, "ts": msg["ts"], "channel_id": channel_id}
            self._update(store, entry, message)
            report.updated += 1

    # --- operations notices -----------------------------------------------------------------

    def post_ops(self, text: str) -> str | None:
        """Post a plain notice (e.g. 'source X failing') to slack.ops_channel, or the webhook.

        Returns the message ts (None for a webhook, or when no ops channel is configured);
        raises DeliveryError (without secrets) if Slack refuses or can't be reached.
        """
        body = ops_text(text)
        try:
            if self.webhook:
                self._send_webhook({"text": body})
                return None
            if not self.config.ops_channel:
                return None
            resp = self._call("chat_postMessage", channel=self.config.ops_channel, text=body,
                              unfurl_links=False, unfurl_media=False, link_names=False)
            return resp.get("ts")
        except Failure as f:
            where = "webhook" if self.webhook else label(self.config.ops_channel or "")
            raise DeliveryError(f"slack {where}: {self._redact(str(f))}", permanent=f.permanent,
                                retry_after=f.retry_after) from None
