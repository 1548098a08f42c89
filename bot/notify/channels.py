"""The notifiers a config asks for: one per section present (Slack, email)."""

from __future__ import annotations

from bot.config import Config
from bot.notify import Notifier


def build_notifiers(config: Config) -> list[Notifier]:
    """The notifiers the config asks for (Slack, email), in that order."""
    out: list[Notifier] = []
    if config.slack is not None:
        from bot.notify.slack import SlackNotifier  # slack-sdk is loaded only when Slack is set up

        out.append(SlackNotifier(config.slack))
    if config.email is not None:
        from bot.notify.email import EmailNotifier

        out.append(EmailNotifier(config.email))
    return out
