"""The README documents every command and config key, and its YAML examples load."""

import re
from pathlib import Path

import yaml

from bot import cli
from bot.config import (_DIGEST_KEYS, _POLL_KEYS, _PUBLISH_KEYS, _SLACK_KEYS, _SMTP_KEYS, _SOURCE_KEYS, _TOP_KEYS,
                        parse_config)
from bot.sources import SOURCE_TYPES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented():
    for name, _, _ in cli._COMMANDS:
        assert f"`{name}" in README, name


def test_every_config_key_is_documented():
    for key in _TOP_KEYS + _POLL_KEYS + _SOURCE_KEYS + _SLACK_KEYS + _SMTP_KEYS + _DIGEST_KEYS:
        assert re.search(rf"\b{re.escape(key)}\b", README), key
    for key in _PUBLISH_KEYS:  # issue 14: in the configuration table by their full name
        assert f"`publish.{key}`" in README, key


def test_readme_yaml_examples_load(tmp_path, monkeypatch):
    blocks = re.findall(r"```yaml\n(.*?)```", README, re.S)
    assert blocks
    for var in ("SLACK_BOT_TOKEN", "SLACK_WEBHOOK_URL", "SMTP_USER", "SMTP_PASSWORD"):
        monkeypatch.setenv(var, "x")
    for block in blocks:
        parse_config(yaml.safe_load(block), base_dir=tmp_path)


def test_shipped_config_loads():
    parse_config(yaml.safe_load((ROOT / "config.yaml").read_text()), base_dir=ROOT)


def test_every_source_type_describes_itself():
    for kind, cls in SOURCE_TYPES.items():
        assert cls.__doc__ and cls.__doc__.strip(), kind


def test_readme_starts_with_the_two_commands():
    first = re.search(r"```(?:bash)?\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert first == ["pip install -e . && python -m bot demo", "pip install -e '.[test]' && python -m pytest -q"]
