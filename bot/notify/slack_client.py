"""slack-sdk's clients with retry handlers that never risk a duplicate post.

Imported by `SlackNotifier.client` on its first delivery, so that a poll with nothing to send
never loads slack-sdk. It takes its limits as arguments and imports nothing of `slack.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.config import SlackConfig

log = logging.getLogger("bot.notify.slack")


class RateLimitRetry(RateLimitErrorRetryHandler):
    """slack-sdk's 429 handler, waiting out a Retry-After of up to `cap` seconds."""

    # A longer Retry-After (or none) leaves the alert queued for the next run.

    def __init__(self, sleep, *, retries: int, cap: float, retry_after: Callable):
        super().__init__(max_retry_count=retries)
        self._sleep, self._cap, self._retry_after = sleep, cap, retry_after

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = self._retry_after(response.headers)
        return wait is not None and wait <= self._cap

    def prepare_for_next_attempt(self, *, state, request, response=None, error=None) -> None:
        wait = self._retry_after(response.headers)
        log.info("slack: rate limited, waiting %g s", wait)
        self._sleep(wait)  # the notifier's sleep, which tests record (the sdk's adds jitter)
        state.next_attempt_requested = True
        state.increment_current_attempt()


class ConnectRetry(ConnectionErrorRetryHandler):
    """slack-sdk's handler for connection errors, only those before the request left."""

    # urllib's URLError: nothing reached Slack. A request that went out unanswered is checked
    # in the channel's history next run instead, so a retry can never post twice.

    def __init__(self, sleep, *, wait: float):
        super().__init__(max_retry_count=1, error_types=[URLError])
        self._sleep, self._wait = sleep, wait

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        return response is None and isinstance(error, URLError) and not isinstance(error.reason, str)

    def prepare_for_next_attempt(self, *, state, request, response=None, error=None) -> None:
        self._sleep(self._wait)
        state.next_attempt_requested = True
        state.increment_current_attempt()


def build_client(config: SlackConfig, *, webhook: bool, timeout: float, sleep, retry_after: Callable,
                 max_rate_retries: int, retry_after_cap: float, connect_wait: float):
    """A WebhookClient (webhook) or WebClient (bot token) with the two handlers above."""
    handlers = [RateLimitRetry(sleep, retries=max_rate_retries, cap=retry_after_cap, retry_after=retry_after),
                ConnectRetry(sleep, wait=connect_wait)]
    if webhook:
        return WebhookClient(config.webhook_url, timeout=timeout, retry_handlers=handlers)
    return WebClient(token=config.token, base_url=config.base_url, timeout=timeout, retry_handlers=handlers)
