"""The checks every section shares: `${VARS}`, known keys, typed values and ranges."""

from __future__ import annotations

import os
import re
from typing import Any

from bot.errors import ConfigError

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _substitute(value: Any, where: str) -> Any:
    """Replace `${NAME}` in every string with the environment variable NAME."""
    if isinstance(value, dict):
        return {k: _substitute(v, _join(where, str(k))) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, str):

        def repl(m: re.Match) -> str:
            name = m.group(1)
            if name not in os.environ:
                raise ConfigError(f"config: {where}: environment variable {name} is not set")
            return os.environ[name]

        return _ENV.sub(repl, value)
    return value


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _section(value: Any, where: str, allowed: tuple[str, ...]) -> dict:
    """Check a mapping and reject unknown keys with a 'did you mean'."""
    if not isinstance(value, dict):
        raise ConfigError(f"config: {where or 'top level'}: expected a mapping of keys")
    for key in value:
        if key not in allowed:
            import difflib  # only for a mistake: a good config never loads it

            hint = difflib.get_close_matches(str(key), allowed, n=1)
            tip = f" (did you mean '{hint[0]}'?)" if hint else f" (allowed: {', '.join(allowed)})"
            raise ConfigError(f"config: {where or 'top level'}: unknown key '{key}'{tip}")
    return value


def _get(data: dict, key: str, kind: type, where: str, default: Any = None, required=False):
    """One scalar value of the expected type (ints accepted where floats are)."""
    if key not in data or data[key] is None:
        if required:
            raise ConfigError(f"config: {_join(where, key)}: required")
        return default
    value = data[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            f"config: {_join(where, key)}: expected {kind.__name__}, got {type(value).__name__}"
        )
    return value


def _str_list(data: dict, key: str, where: str, choices: tuple[str, ...] = ()) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"config: {_join(where, key)}: expected a list of strings")
    for v in value:
        if choices and v not in choices:
            raise ConfigError(
                f"config: {_join(where, key)}: unknown value '{v}' (allowed: {', '.join(choices)})"
            )
    return tuple(value)


def _positive(value: float | int, key: str):
    if not value > 0 or value == float("inf"):  # (also refuses NaN and .inf)
        raise ConfigError(f"config: {key}: must be a number greater than 0")
    return value


def _in_range(value: int, key: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise ConfigError(f"config: {key}: must be from {low} to {high}")
    return value


def _non_negative(value: float, key: str) -> float:
    if value < 0:
        raise ConfigError(f"config: {key}: must be 0 or more")
    return value


def _check_http_url(value: str, key: str) -> None:
    """An http(s) URL with a host, or a ConfigError naming the key (never the value: it may be a secret)."""
    if not re.match(r"(?i)^https?://[^/\s]+\S*$", value.strip()):
        raise ConfigError(f"config: {key}: must be an http(s) URL")
