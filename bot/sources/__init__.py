"""Sources: where new items come from. One module per type, picked by the config's `type`."""

from __future__ import annotations

from bot.config import SourceConfig
from bot.errors import ConfigError
from bot.models import Item


class Source:
    """Base class: `poll(http)` returns the items the source lists now."""

    def __init__(self, config: SourceConfig):
        self.config = config
        self.name = config.name

    @classmethod
    def validate(cls, config: SourceConfig, where: str) -> None:
        """Reject options that do not apply to this type (raise ConfigError naming the key)."""
        for key in ("item_selector", "date_selector"):
            if getattr(config, key) is not None:
                raise ConfigError(f"config: {where}.{key}: only for sources of type html_index")

    def poll(self, http) -> list[Item]:
        raise NotImplementedError


# The registry: filled in below by explicit imports, never by import side effects elsewhere.
SOURCE_TYPES: dict[str, type[Source]] = {}
