"""Slack's answers classified: which failures block the token, a channel or one message, and which pass."""

from __future__ import annotations

import http.client
import re
from urllib.error import URLError

from bot.errors import DeliveryError

CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")

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


class Failure(DeliveryError):
    """One failed call, classified. scope: 'token', 'channel', 'message' or None (transient)."""

    def __init__(self, message: str, *, scope: str | None = None, unsure: bool = False,
                 retry_after: float | None = None, code: str | None = None):
        super().__init__(message, permanent=scope is not None, retry_after=retry_after)
        self.scope, self.unsure, self.code = scope, unsure, code


class Unverifiable(Exception):
    """An interrupted post whose fate cannot be checked."""


def api_failure(code: str | None, status: int, retry_after: float | None = None) -> Failure:
    """Classify an answer from Slack (Web API or webhook) that was not ok."""
    if status == 429 or code in ("ratelimited", "rate_limited"):
        wait = f" (Retry-After {retry_after:g} s)" if retry_after is not None else ""
        return Failure(f"rate limited by Slack{wait}, will retry next run", retry_after=retry_after)
    if status >= 500:
        return Failure(f"HTTP {status}, will retry next run")
    if code in TOKEN_ERRORS:
        return Failure(f"{code} (needs fixing: {TOKEN_ERRORS[code]}; alerts are kept until then)",
                        scope="token", code=code)
    if code in CHANNEL_ERRORS:
        return Failure(f"{code} (needs fixing: {CHANNEL_ERRORS[code]}; alerts are kept until then)",
                        scope="channel", code=code)
    if code in MESSAGE_ERRORS or code in EDIT_ERRORS:
        return Failure(f"{code} (permanent: Slack rejected this message)", scope="message", code=code)
    what = code if code and len(code) < 60 and code.replace("_", "").isalnum() else f"HTTP {status}"
    return Failure(f"{what}, will retry next run", code=code)


def network_failure(err: BaseException, timeout: float) -> Failure:
    """Classify a transport error; `unsure` when the request went out but no reply came."""
    if isinstance(err, URLError) and not isinstance(err.reason, str):
        # urllib wraps errors raised while connecting and sending: the request never arrived.
        reason = err.reason
        words = ("connection refused" if isinstance(reason, ConnectionRefusedError)
                 else "timed out connecting" if isinstance(reason, TimeoutError)
                 else f"{type(reason).__name__}")
        return Failure(f"cannot reach Slack ({words}), will retry next run")
    if isinstance(err, URLError):
        return Failure(f"cannot reach Slack ({err.reason}), will retry next run")
    if isinstance(err, TimeoutError):
        what = f"no reply within {timeout:g} s"
    elif isinstance(err, (ConnectionError, http.client.HTTPException)):
        what = "connection dropped before Slack replied"
    else:
        what = f"network error ({type(err).__name__})"
    return Failure(f"{what}; will check the channel before retrying", unsure=True)


def parse_retry_after(headers) -> float | None:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            try:
                return max(0.0, float(value[0] if isinstance(value, list) else value))
            except (TypeError, ValueError):
                return None
    return None


def label(channel: str) -> str:
    """How a channel is named in report lines: '#name', an id, or 'webhook'."""
    if channel.startswith("#") or CHANNEL_ID.match(channel) or channel == "webhook":
        return channel
    return f"#{channel}"
