"""The README documents every command and config key, and its YAML examples load."""

import re
from pathlib import Path

import yaml

from bot import cli
from bot.config import (_DIGEST_KEYS, _FILTER_KEYS, _POLL_KEYS, _PUBLISH_KEYS, _SLACK_KEYS, _SMTP_KEYS,
                        _SOURCE_KEYS, _TOP_KEYS, load_config, parse_config)
from bot.sources import SOURCE_TYPES, build_sources

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented():
    for name in cli._COMMANDS:
        assert f"`{name}" in README, name


# Where each group of keys lives in a config file, as the README's table and YAML name them.
KEY_PATHS = [("", _TOP_KEYS), ("poll.", _POLL_KEYS), ("sources[].", _SOURCE_KEYS),
             ("slack.", _SLACK_KEYS), ("slack.subscriptions[].", ("channel",) + _FILTER_KEYS),
             ("email.", ("smtp", "from", "digests")), ("email.smtp.", _SMTP_KEYS),
             ("email.digests[].", _DIGEST_KEYS), ("publish.", _PUBLISH_KEYS)]
BASE = {"sources": [{"name": "hmi", "type": "feed", "url": "https://example.org/feed/"}]}


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README, re.S)


def yaml_paths(value, prefix: str = "") -> set[str]:
    """Every key path in a YAML document: 'poll.timeout_seconds', 'sources[].keywords'."""
    if isinstance(value, dict):
        out = set()
        for key, sub in value.items():
            out |= {f"{prefix}{key}"} | yaml_paths(sub, f"{prefix}{key}.")
        return out
    if isinstance(value, list):
        return set().union(*(yaml_paths(v, prefix[:-1] + "[].") for v in value)) if value else set()
    return set()


def documented_paths() -> set[str]:
    """Keys in the README's configuration table (a row starting with a backticked key) or its YAML examples."""
    table = set(re.findall(r"^\| `([\w.\[\]]+)` \|", README, re.M))
    return table.union(*(yaml_paths(yaml.safe_load(b)) for b in yaml_blocks()))


def test_every_config_key_is_documented():
    documented = documented_paths()
    missing = [prefix + key for prefix, keys in KEY_PATHS for key in keys if prefix + key not in documented]
    assert not missing, f"config keys the README neither tables nor shows in YAML: {missing}"


def test_the_documentation_check_would_notice_a_missing_key():
    assert "poll.timeout_seconds" in documented_paths()
    assert "poll.to" not in documented_paths()  # a word of prose is not a documented key
    assert yaml_paths({"a": [{"b": 1}], "c": {"d": 2}}) == {"a", "a[].b", "c", "c.d"}


def merged(block: dict) -> dict:
    """A README fragment (a `slack:` or `email:` section) as part of a whole config."""
    return {**BASE, **block}


def assert_loaded(expected, actual, where: str) -> None:
    """Every value the YAML gives arrives in the loaded config (env vars read as 'x')."""
    if isinstance(expected, dict):
        for key, value in expected.items():
            attr = {"from": "from_addr"}.get(key, key)
            assert hasattr(actual, attr), f"{where}.{key}: not in the loaded config"
            assert_loaded(value, getattr(actual, attr), f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(expected) == len(actual), where
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_loaded(e, a, f"{where}[{i}]")
    elif isinstance(expected, str) and expected.startswith("${"):
        assert actual == "x", where
    elif expected is False and actual is None:
        pass  # `baseline: false`: none
    elif isinstance(actual, Path):
        assert actual.name == Path(expected).name, where
    elif isinstance(expected, str) and isinstance(actual, str):
        assert actual.rstrip("/") == expected.rstrip("/"), f"{where}: {actual!r} != {expected!r}"
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def test_readme_yaml_examples_load_with_the_values_they_show(tmp_path, monkeypatch):
    blocks = [yaml.safe_load(b) for b in yaml_blocks()]
    assert len(blocks) >= 3  # the configuration example, Slack and email
    for var in ("SLACK_BOT_TOKEN", "SLACK_WEBHOOK_URL", "SMTP_USER", "SMTP_PASSWORD"):
        monkeypatch.setenv(var, "x")
    for block in blocks:
        config = parse_config(merged(block), base_dir=tmp_path)
        assert_loaded(merged(block), config, "config")
        build_sources(config.sources)  # each source's type checks its own options too


def test_shipped_config_loads_with_its_sources_and_settings():
    raw = yaml.safe_load((ROOT / "config.yaml").read_text())
    config = load_config(ROOT / "config.yaml")
    assert_loaded(raw, config, "config.yaml")
    assert config.state_dir == ROOT / raw["state_dir"]  # relative to the config file
    assert [type(s).__name__ for s in build_sources(config.sources)] == [
        SOURCE_TYPES[s["type"]].__name__ for s in raw["sources"]]


def test_every_source_type_describes_itself():
    for kind, cls in SOURCE_TYPES.items():
        assert cls.__doc__ and cls.__doc__.strip(), kind


def test_readme_starts_with_the_two_commands():
    first = re.search(r"```(?:bash)?\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert first == ["pip install -e . && python -m bot demo", "pip install -e '.[test]' && python -m pytest -q"]
