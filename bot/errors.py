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
    """A source or page could not be fetched or parsed (the run goes on with the rest).

    `status`: the HTTP status that answered, if one did; `transient`: worth trying again later
    (a timeout, a 5xx, a 429), as opposed to an answer (a 404, a host that does not exist).
    """

    def __init__(self, message: str, *, status: int | None = None, transient: bool = False):
        super().__init__(message)
        self.status = status
        self.transient = transient

    @property
    def gone(self) -> bool:
        """The server says the page is not there (404 Not Found, 410 Gone)."""
        return self.status in (404, 410)


class DeliveryError(BotError):
    """Slack or SMTP refused or failed; the alert stays queued unless `permanent`."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
