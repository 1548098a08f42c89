"""Smaller things a careful user met (issue 12, section 7): each is one test here."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.config import load_config, parse_config
from bot.errors import ConfigError
from bot.history import Store

FEED = {"name": "hmi", "type": "feed", "url": "http://127.0.0.1:9/feed/"}


def config(**top):
    return parse_config({"sources": [FEED], **top}, base_dir=Path("."))


def slack(*subscriptions):
    return {"token": "xoxb-1", "subscriptions": list(subscriptions)}


# --- config ------------------------------------------------------------------------------------


def test_regions_are_resolved_through_their_aliases():
    loaded = config(slack=slack({"channel": "#y", "regions": ["Yorkshire & Humber", "kss", "north east"]}))
    assert loaded.slack.subscriptions[0].regions == (
        "Yorkshire and the Humber", "Kent, Surrey and Sussex", "North East")


@pytest.mark.parametrize("key, value", [("webhook_url", "not a url xoxsecret"),
                                        ("webhook_url", "ftp://hooks.slack.com/services/xoxsecret"),
                                        ("base_url", "slack.example.org/api/xoxsecret")])
def test_a_slack_address_that_is_not_an_http_url_is_a_config_error_that_hides_it(tmp_path, cli, monkeypatch, key, value):
    # Before: a webhook_url that was no URL passed the config and ended the run in a traceback
    # quoting it, and a webhook's address is its secret.
    monkeypatch.setenv("SLACK_ADDRESS", value)
    path = tmp_path / "config.yaml"
    path.write_text("state_dir: state\nslack:\n  webhook_url: https://hooks.slack.com/services/T/B/x\n"
                    f"  {key}: ${{SLACK_ADDRESS}}\n"
                    "sources: [{name: hmi, type: feed, url: 'http://127.0.0.1:9/feed/'}]\n")
    result = cli("run", "--config", path)
    assert (result.code, result.out) == (2, "")
    assert result.err.strip() == f"hmip-bot: config: slack.{key}: must be an http(s) URL"
    assert "xoxsecret" not in result.err


@pytest.mark.parametrize("top, message", [
    ({"user_agent": "hmip-bot\nX-Injected: 1"}, "config: user_agent: must be one line of printable text"),
    ({"user_agent": "  "}, "config: user_agent: must be one line of printable text"),
    ({"email": {"smtp": {"host": " "}, "from": "a@example.org"}}, "config: email.smtp.host: required"),
    ({"email": {"smtp": {"host": "smtp.example.org", "port": 99999}, "from": "a@example.org"}},
     "config: email.smtp.port: must be from 1 to 65535"),
])
def test_values_only_a_run_would_have_tripped_on_are_config_errors(top, message):
    # Before: each source failed with 'InvalidHeader', or the digest with 'the server closed the
    # connection' / 'host name not found', run after run.
    with pytest.raises(ConfigError) as e:
        config(**top)
    assert str(e.value) == message


def test_an_unknown_region_is_refused_with_did_you_mean():
    with pytest.raises(ConfigError) as e:
        config(slack=slack({"channel": "#y", "regions": ["Yorkshire & Humber", "Norh East"]}))
    assert str(e.value) == ("config: slack.subscriptions[0].regions: unknown region 'Norh East' "
                            "(did you mean 'North East'?)")


def test_a_region_nothing_like_any_lists_the_regions():
    digest = {"name": "w", "to": ["a@example.org"], "regions": ["Atlantis"]}
    with pytest.raises(ConfigError, match=r"email\.digests\[0\]\.regions: unknown region 'Atlantis' "
                                          r"\(allowed: North East, North West, .*Wales\)"):
        config(email={"smtp": {"host": "localhost"}, "from": "a@example.org", "digests": [digest]})


def test_keywords_given_as_one_string_are_refused_saying_to_write_a_list():
    with pytest.raises(ConfigError) as e:
        config(sources=[{**FEED, "keywords": "probation, youth justice"}])
    assert str(e.value) == ("config: sources[0].keywords: expected a list, e.g. [probation, youth justice] "
                            "(a string is not split)")
    assert config(sources=[{**FEED, "keywords": ["probation", "youth justice"]}]).sources[0].keywords == (
        "probation", "youth justice")


@pytest.mark.parametrize("where, bad", [("to", "team@"), ("to", "team@example.org, chief@example.org"),
                                        ("from", "Alerts <alerts@example"), ("from", "not an address")])
def test_email_addresses_are_checked(where, bad):
    digest = {"name": "w", "to": [bad if where == "to" else "a@example.org"]}
    email = {"smtp": {"host": "localhost"}, "from": bad if where == "from" else "Alerts <a@example.org>",
             "digests": [digest]}
    key = r"email\.digests\[0\]\.to" if where == "to" else r"email\.from"
    with pytest.raises(ConfigError, match=rf"^config: {key}: '{re.escape(bad)}' is not an email address$"):
        config(email=email)


def test_good_email_addresses_pass():
    email = {"smtp": {"host": "localhost"}, "from": "Probation alerts <alerts@example.org>",
             "digests": [{"name": "w", "to": ["team@example.org", "Chief <chief@example.gov.uk>"]}]}
    assert config(email=email).email.digests[0].to == ("team@example.org", "Chief <chief@example.gov.uk>")


@pytest.mark.parametrize("sources", ["", "sources: []\n"])
def test_a_config_with_no_sources_is_an_error_for_the_commands_that_poll(tmp_path, cli, sources):
    path = tmp_path / "config.yaml"
    path.write_text("state_dir: state\n" + sources)
    for command in ("run", "backfill"):
        result = cli(command, "--config", path)
        assert (result.code, result.out) == (2, ""), command
        assert result.err.strip() == "hmip-bot: config: sources: at least one source is required (nothing to poll)"
    assert cli("status", "--config", path).code == 0  # reading the state needs no source


def test_a_missing_config_file_gives_its_absolute_path_and_the_hint(tmp_path, monkeypatch, cli):
    monkeypatch.chdir(tmp_path)
    result = cli("status")
    assert result.code == 2
    assert result.err.strip() == (f"hmip-bot: config: {tmp_path / 'config.yaml'}: no such file "
                                  "(name one with --config PATH or $BOT_CONFIG)")


# --- command line ------------------------------------------------------------------------------


@pytest.fixture
def cfg(tmp_path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("state_dir: state\npoll: {min_interval_seconds: 0}\nsources:\n"
                    "  - {name: hmi, type: feed, url: 'http://127.0.0.1:9/feed/'}\n")
    return path


@pytest.mark.parametrize("pages", ["-1", "two"])
def test_backfill_pages_below_zero_or_not_a_number_are_usage_errors(cfg, cli, pages):
    result = cli("backfill", "--config", cfg, "--pages", pages)
    assert (result.code, result.out) == (2, "")
    assert "Traceback" not in result.err
    assert "--pages" in result.err.strip().splitlines()[-1]


def test_an_unknown_log_level_is_an_error(cfg, cli, monkeypatch):
    result = cli("status", "--config", cfg, "--log-level", "foo")
    assert (result.code, result.out) == (2, "")
    assert result.err.strip() == "hmip-bot: --log-level: unknown level 'foo' (choose DEBUG, INFO, WARNING, ERROR, CRITICAL)"
    monkeypatch.setenv("LOG_LEVEL", "loud")
    assert "hmip-bot: $LOG_LEVEL: unknown level 'loud'" in cli("status", "--config", cfg).err


def test_demo_refuses_a_config_it_would_not_use(cli):
    result = cli("demo", "--config", "config.yaml")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("hmip-bot: demo: --config is not used")


def test_status_on_a_state_dir_that_does_not_exist_says_so(cfg, cli):
    result = cli("status", "--config", cfg)
    assert result.code == 0
    assert result.out.splitlines()[0].startswith(f"State: {cfg.parent / 'state'} does not exist yet")
    assert not (cfg.parent / "state").exists()  # and status did not create it
    check = cli("status", "--check", "--config", cfg)
    assert check.code == 1
    assert check.out.strip() == f"unhealthy: {cfg.parent / 'state'} does not exist (no poll has run with this config)"


def test_a_state_dir_that_is_a_file_is_named_as_such_by_every_command(cfg, cli):
    (cfg.parent / "state").write_text("not a folder\n")
    said = f"hmip-bot: cannot open the state folder {cfg.parent / 'state'}: it is a file (state_dir names a folder)"
    for command in ("run", "status", "history", "backfill"):
        result = cli(command, "--config", cfg)
        assert (result.code, result.err.strip()) == (2, said), command
    check = cli("status", "--check", "--config", cfg)
    assert (check.code, check.out.strip()) == (1, said.replace("hmip-bot:", "unhealthy:"))


def test_demo_state_that_is_a_file_says_so_as_run_does(tmp_path, cli):
    blocker = tmp_path / "state"
    blocker.write_text("not a folder\n")
    result = cli("demo", "--state", str(blocker))
    assert (result.code, result.out) == (2, "")
    assert result.err.strip() == f"hmip-bot: cannot open the state folder {blocker}: it is a file (state_dir names a folder)"


def test_status_check_ignores_sources_no_longer_in_the_config(cfg, cli):
    now = datetime.now(timezone.utc)
    with Store(load_config(cfg).state_dir) as store:
        store.record_poll("removed-source", ok=True, when=now - timedelta(minutes=5))
        store.record_poll("hmi", ok=False, error="HTTP 500", when=now - timedelta(minutes=5))
    result = cli("status", "--check", "--config", cfg)
    assert result.code == 1  # the only success was a source the config no longer has
    assert result.out.startswith("unhealthy: no successful poll of a configured source")


# --- reading files -------------------------------------------------------------------------------


def test_a_binary_file_with_no_nul_byte_is_not_read_as_text(tmp_path, cli):
    random.seed(12)
    blob = tmp_path / "photo.txt"
    blob.write_bytes(bytes(random.randrange(1, 256) for _ in range(3000)))  # no NUL anywhere
    text = tmp_path / "release.txt"
    text.write_text("Café reports – Kirklees PDU\n", encoding="cp1252")
    result = cli("extract", blob, text)
    assert result.code == 2
    assert result.err.strip() == f"hmip-bot: extract: {blob}: binary file, not text, HTML or PDF"
    assert f"{text}:" in result.out  # the cp1252 text is still read


def test_pypdf_warnings_do_not_reach_stderr(tmp_path, cli):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Kirklees Probation Delivery Unit has been rated Good.")
    data = bytes(pdf.output())
    # A wrong startxref offset: pypdf repairs it and logs two warnings about it.
    damaged = re.sub(rb"startxref\n(\d+)", lambda m: b"startxref\n%d" % (int(m.group(1)) + 7), data)
    path = tmp_path / "report.pdf"
    path.write_bytes(damaged)
    result = cli("extract", path)
    assert result.code == 0
    assert "Kirklees PDU" in result.out
    assert result.err == ""

