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
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.error import URLError

from bot.config import SlackConfig
from bot.errors import DeliveryError
from bot.models import Alert
from bot.notify import DeliveryReport, Notifier
from bot.notify.filters import matches
from bot.notify.slack_format import EVENT_TYPE, build_message, ops_text

log = logging.getLogger(__name__)

RETRY_AFTER_CAP = 30.0  # seconds we will wait in-process for a 429; longer waits go to the next run
MAX_RATE_RETRIES = 3
CONNECT_RETRY_SECONDS = 1.0  # one more try when Slack could not be reached at all
HISTORY_MARGIN = timedelta(minutes=2)  # clock skew between us and Slack
HISTORY_PAGES = 10
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")

# Permanent API errors, by what they block: the whole token, one channel, or one message.
TOKEN_ERRORS = {
    "invalid_auth": "the bot token is invalid; check slack.token",
    "not_authed": "no bot token was sent; check slack.token",
    "token_revoked": "the bot token was revoked; reinstall the app and update slack.token",
    "token_expired": "the bot token expired; update slack.token",
    "account_inactive": "the bot's account or app is deactivated; reinstall the app",
    "missing_scope": "the app lacks the chat:write scope; add it and reinstall",
    "no_permission": "the app is not allowed to post here; check its scopes",
    "not_allowed_token_type": "slack.token must be a bot token (xoxb-...)",
    "team_access_not_granted": "the app is not installed in this workspace",
    "ekm_access_denied": "the workspace's key management denies access",
    # incoming webhooks
    "invalid_token": "the webhook URL is invalid or revoked; check slack.webhook_url",
    "no_service": "the webhook was removed or disabled; check slack.webhook_url",
    "no_active_hooks": "the webhook was disabled; check slack.webhook_url",
    "team_disabled": "the workspace is disabled",
    "action_prohibited": "an admin blocks this webhook",
}
CHANNEL_ERRORS = {
    "channel_not_found": "invite the bot or fix the channel name",
    "not_in_channel": "invite the bot to the channel, or add the chat:write.public scope",
    "is_archived": "the channel is archived",
    "channel_is_archived": "the channel is archived",
    "restricted_action": "the channel's settings stop the bot posting",
    "restricted_action_read_only_channel": "the channel is read-only",
    "posting_to_general_channel_denied": "only admins may post in this channel",
}
MESSAGE_ERRORS = {"invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text",
                  "invalid_arguments", "invalid_payload", "invalid_metadata_format",
                  "invalid_metadata_schema", "metadata_too_large", "too_many_attachments"}
EDIT_ERRORS = {"message_not_found", "cant_update_message", "edit_window_closed"}


class _Failure(DeliveryError):
    """One failed call, classified. scope: 'token', 'channel', 'message' or None (transient)."""

    def __init__(self, message: str, *, scope: str | None = None, unsure: bool = False,
                 retry_after: float | None = None, code: str | None = None):
        super().__init__(message, permanent=scope is not None, retry_after=retry_after)
        self.scope, self.unsure, self.code = scope, unsure, code


class _Unverifiable(Exception):
    """An interrupted post whose fate cannot be checked."""


def _api_failure(code: str | None, status: int, retry_after: float | None = None) -> _Failure:
    """Classify an answer from Slack (Web API or webhook) that was not ok."""
    if status == 429 or code in ("ratelimited", "rate_limited"):
        wait = f" (Retry-After {retry_after:g} s)" if retry_after is not None else ""
        return _Failure(f"rate limited by Slack{wait}, will retry next run", retry_after=retry_after)
    if status >= 500:
        return _Failure(f"HTTP {status}, will retry next run")
    if code in TOKEN_ERRORS:
        return _Failure(f"{code} (needs fixing: {TOKEN_ERRORS[code]}; alerts are kept until then)",
                        scope="token", code=code)
    if code in CHANNEL_ERRORS:
        return _Failure(f"{code} (needs fixing: {CHANNEL_ERRORS[code]}; alerts are kept until then)",
                        scope="channel", code=code)
    if code in MESSAGE_ERRORS or code in EDIT_ERRORS:
        return _Failure(f"{code} (permanent: Slack rejected this message)", scope="message", code=code)
    what = code if code and len(code) < 60 and code.replace("_", "").isalnum() else f"HTTP {status}"
    return _Failure(f"{what}, will retry next run", code=code)


def _network_failure(err: BaseException, timeout: float) -> _Failure:
    """Classify a transport error; `unsure` when the request went out but no reply came."""
    if isinstance(err, URLError) and not isinstance(err.reason, str):
        # urllib wraps errors raised while connecting and sending: the request never arrived.
        reason = err.reason
        words = ("connection refused" if isinstance(reason, ConnectionRefusedError)
                 else "timed out connecting" if isinstance(reason, TimeoutError)
                 else f"{type(reason).__name__}")
        return _Failure(f"cannot reach Slack ({words}), will retry next run")
    if isinstance(err, URLError):
        return _Failure(f"cannot reach Slack ({err.reason}), will retry next run")
    if isinstance(err, TimeoutError):
        what = f"no reply within {timeout:g} s"
    elif isinstance(err, (ConnectionError, http.client.HTTPException)):
        what = "connection dropped before Slack replied"
    else:
        what = f"network error ({type(err).__name__})"
    return _Failure(f"{what}; will check the channel before retrying", unsure=True)


def _retry_after(headers) -> float | None:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            try:
                return max(0.0, float(value[0] if isinstance(value, list) else value))
            except (TypeError, ValueError):
                return None
    return None


def _label(channel: str) -> str:
    """How a channel is named in report lines: '#name', an id, or 'webhook'."""
    if channel.startswith("#") or _CHANNEL_ID.match(channel) or channel == "webhook":
        return channel
    return f"#{channel}"


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
        self._channel_ids: dict[str, str] = {}

    # --- clients ------------------------------------------------------------------------

    def client(self):
        """The slack_sdk client, built on first use, with retry handlers that never risk a duplicate."""
        if self._client is None:
            # slack-sdk loads with the first delivery: a poll with nothing to send never needs it.
            from bot.notify.slack_client import build_client

            self._client = build_client(
                self.config, webhook=self.webhook, timeout=self.timeout, sleep=self._sleep,
                retry_after=_retry_after, max_rate_retries=MAX_RATE_RETRIES,
                retry_after_cap=RETRY_AFTER_CAP, connect_wait=CONNECT_RETRY_SECONDS)
        return self._client

    def _redact(self, text: str) -> str:
        for secret in (self.config.token, self.config.webhook_url):
            if secret:
                text = text.replace(secret, "[redacted]")
        return text

    def _call(self, method: str, **kwargs) -> dict:
        """One Web API call (slack-sdk's handlers wait out short 429s); `_Failure` unless ok."""
        from slack_sdk.errors import SlackApiError, SlackClientError

        try:
            return getattr(self.client(), method)(**kwargs).data
        except SlackApiError as e:
            resp = e.response
            data = resp.data if isinstance(resp.data, dict) else {}
            raise _api_failure(data.get("error"), resp.status_code, _retry_after(resp.headers)) from None
        except (SlackClientError, OSError, http.client.HTTPException) as e:
            raise self._transport_failure(e) from None

    def _transport_failure(self, err: Exception) -> _Failure:
        from slack_sdk.errors import SlackClientError

        if isinstance(err, SlackClientError):  # slack_sdk refused to build the request
            return _Failure(self._redact(f"request refused by slack_sdk ({err}), will retry next run"))
        return _network_failure(err, self.timeout)

    def _send_webhook(self, message: dict) -> None:
        """One webhook post (webhooks answer with plain-text error codes)."""
        from slack_sdk.errors import SlackClientError

        try:
            resp = self.client().send(text=message["text"], blocks=message.get("blocks"),
                                      unfurl_links=False, unfurl_media=False)
        except (SlackClientError, OSError, http.client.HTTPException) as e:
            raise self._transport_failure(e) from None
        if resp.status_code != 200:
            raise _api_failure((resp.body or "").strip(), resp.status_code, _retry_after(resp.headers))

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
            except _Failure as failure:
                self._failed(store, entry, failure, report, state, queued=len(entries) - i)
            except _Unverifiable as e:
                store.mark_failed(entry["id"], str(e), permanent=True)
                report.permanent.append(f"slack {_label(entry['channel'])}: {e}")
            if state.stop:
                break
        return report

    def _failed(self, store, entry: dict, f: _Failure, report: DeliveryReport, state: _Pass,
                queued: int) -> None:
        line = f"slack {_label(entry['channel'])}: {self._redact(str(f))}"
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
            found = self._find_posted(store, entry, now)
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
        channel_id = entry.get("channel_id") or self._known_channel_id(store, entry["channel"])
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
                 _label(entry["channel"]), entry["event_id"], msg["ts"])
        if msg.get("text") != message["text"]:
            entry = {**entry, "ts": msg["ts"], "channel_id": channel_id}
            self._update(store, entry, message)
            report.updated += 1

    # --- checking an interrupted post ---------------------------------------------------

    def _find_posted(self, store, entry: dict, now) -> tuple[dict, str] | None:
        """The message an interrupted attempt posted, with its channel id, or None if none was."""
        try:
            channel_id = entry.get("channel_id") or self._resolve_channel(store, entry["channel"])
            if channel_id is None:
                return None  # no such channel: the interrupted post cannot have arrived
            now = now or datetime.now(timezone.utc)
            since = _parse_time(entry.get("sending_at")) or now - timedelta(days=1)
            oldest = f"{(since - HISTORY_MARGIN).timestamp():.6f}"
            cursor = None
            for _ in range(HISTORY_PAGES):
                resp = self._call("conversations_history", channel=channel_id, oldest=oldest,
                                  include_all_metadata=True, limit=200, cursor=cursor)
                for msg in resp.get("messages") or []:
                    meta = msg.get("metadata") or {}
                    payload = meta.get("event_payload") or {}
                    if (meta.get("event_type"), payload.get("event_id")) == (EVENT_TYPE, entry["event_id"]):
                        return msg, channel_id
                cursor = (resp.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return None
        except _Failure as f:
            if not f.permanent:
                f.unsure = True  # still unchecked: keep it "sending" for the next pass
                raise
            raise _Unverifiable(
                f"may or may not have been posted: the last attempt was interrupted and the "
                f"channel can't be checked ({f.code}: grant channels:history, groups:history and "
                f"channels:read, or use a channel id); check the channel") from None
        raise _Unverifiable("may or may not have been posted: too much history to check; "
                            "check the channel")

    def _known_channel_id(self, store, channel: str) -> str | None:
        """A channel's id from config (an id already) or from an earlier delivery."""
        if _CHANNEL_ID.match(channel):
            return channel
        if channel not in self._channel_ids:
            for e in store.outbox_entries():
                if e.get("channel_id") and e["notifier"] == self.name:
                    self._channel_ids.setdefault(e["channel"], e["channel_id"])
        return self._channel_ids.get(channel)

    def _resolve_channel(self, store, channel: str) -> str | None:
        """A channel name's id, from what we know or conversations.list (needs channels:read)."""
        known = self._known_channel_id(store, channel)
        if known:
            return known
        name, cursor = channel.lstrip("#").casefold(), None
        for _ in range(HISTORY_PAGES):
            resp = self._call("conversations_list", types="public_channel,private_channel",
                              exclude_archived=True, limit=1000, cursor=cursor)
            for ch in resp.get("channels") or []:
                if str(ch.get("name", "")).casefold() == name:
                    self._channel_ids[channel] = ch["id"]
                    return ch["id"]
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return None

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
        except _Failure as f:
            where = "webhook" if self.webhook else _label(self.config.ops_channel or "")
            raise DeliveryError(f"slack {where}: {self._redact(str(f))}", permanent=f.permanent,
                                retry_after=f.retry_after) from None


def _parse_time(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
