"""The bot's small error hierarchy; `cli.main` turns each into one stderr line and an exit code."""


class BotError(Exception):
    """Base for every expected failure; its message is shown to the user as is."""

    exit_code = 1


class ConfigError(BotError):
    """The configuration is invalid: the message names the key or the file."""

    exit_code = 2


class InputError(BotError):
    """A file or URL given on the command line cannot be read."""

    exit_code = 2


class StateError(BotError):
    """The state folder is unreadable or corrupt: the message names the file."""

    exit_code = 2


class StateLocked(BotError):
    """Another run holds the state lock."""

    exit_code = 3


class SourceError(BotError):
    """A source or page could not be fetched or parsed (the run goes on with the rest)."""


class DeliveryError(BotError):
    """Slack or SMTP refused or failed; the alert stays queued unless `permanent`."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
