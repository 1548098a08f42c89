"""The alert policy's parts: official sources, the evidence line, a text without its rating, notifiers."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from bot.config import SourceConfig, parse_config
from bot.errors import ConfigError
from bot.events import Cycle, Reading, record_unit, release_due
from bot.history import Store
from bot.models import Alert, Extraction, Item, UnitRating
from bot.notify import DeliveryReport, Notifier
from bot.notify.evidence import evidence_line, short_quote, unconfirmed_line
from bot.notify.stdout import StdoutNotifier, format_alert
from bot.pipeline import CycleReport, run_cycle
from bot.policy import held_alerts

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


# --- config --------------------------------------------------------------------------------


@pytest.mark.parametrize("url, official", [
    ("https://hmiprobation.justiceinspectorates.gov.uk/feed/", True),
    ("https://www.justiceinspectorates.gov.uk/hmiprobation/feed/", True),
    ("https://www.gov.uk/api/search.json?count=5", True),
    ("https://feeds.bbci.co.uk/news/england/rss.xml", False),
    ("https://www.wigan.gov.uk/news/feed/", False),  # a council: news about an inspection
    ("https://justiceinspectorates.gov.uk.example.com/feed/", False),
])
def test_official_by_default_only_for_the_inspectorate_and_govuk(url, official):
    assert SourceConfig(name="s", type="feed", url=url).is_official is official
    assert SourceConfig(name="s", type="feed", url=url, official=not official).is_official is not official


def _parse(tmp_path, **top):
    source = {"name": "s", "type": "feed", "url": "https://example.org/feed/", **top.pop("source", {})}
    return parse_config({"sources": [source], **top}, base_dir=tmp_path)


def test_hold_and_official_keys_are_read_and_checked(tmp_path):
    config = _parse(tmp_path, alert_hold_hours=6, source={"official": True})
    assert config.alert_hold_hours == 6 and config.sources[0].is_official
    assert _parse(tmp_path).alert_hold_hours == 24
    with pytest.raises(ConfigError, match=r"^config: sources\[0\]\.official: expected bool, got str$"):
        _parse(tmp_path, source={"official": "yes"})
    with pytest.raises(ConfigError, match=r"^config: alert_hold_hours: must be a number of hours"):
        _parse(tmp_path, alert_hold_hours=-1)
    with pytest.raises(ConfigError, match=r"^config: alert_hold_hours: expected float, got str$"):
        _parse(tmp_path, alert_hold_hours="a day")
    with pytest.raises(ConfigError, match=r"did you mean 'official'"):
        _parse(tmp_path, source={"oficial": True})


# --- the evidence line ---------------------------------------------------------------------


def test_a_short_sentence_is_quoted_whole():
    assert short_quote("  Wigan PDU was\n rated 'Good'. ", "Good") == "Wigan PDU was rated 'Good'."


def test_a_long_sentence_is_cut_around_its_rating_words():
    sentence = ("Following a lengthy inspection over several weeks in the spring, during which inspectors "
                "met staff, partners and people on probation, Wigan Probation Delivery Unit has received "
                "an overall rating of 'Requiring improvement', the second lowest of the four ratings that "
                "the inspectorate gives, and leaders have promised to act on every one of its findings.")
    quote = short_quote(sentence, "Requires improvement")
    assert quote.startswith("…") and quote.endswith("…")
    assert "has received an overall rating of 'Requiring improvement'" in quote
    assert len(quote) <= 142
    inner = quote.strip("…")
    assert inner in sentence and sentence[sentence.index(inner) - 1] == " "  # cut at a word's end


def test_the_line_names_its_source_and_an_unconfirmed_alert_says_so():
    unit = UnitRating(name="Wigan PDU", type="PDU", rating="Inadequate", confidence="stated",
                      evidence={"rating": "Wigan PDU was rated 'Inadequate'.", "previous_rating": None})
    alert = Alert(event_id="e", unit=unit, direction=None, previous_rating=None, previous_published=None,
                  published="2026-11-20", evidence_source="news-north", reported_by="news-north")
    assert evidence_line(alert) == "Read from: 'Wigan PDU was rated 'Inadequate'.' (news-north)"
    assert unconfirmed_line(alert).startswith("Unconfirmed: reported by news-north")
    printed = format_alert(alert)
    assert "Read from: 'Wigan PDU was rated 'Inadequate'.' (news-north)" in printed
    assert "Unconfirmed: reported by news-north" in printed


# --- a rated inspection whose text lacks the rating ------------------------------------------------


def _reading(rating, *, source="news-north", official=False, key="k1", confidence=None, evidence=None):
    unit = UnitRating(name="Wigan PDU", type="PDU", rating=rating, confidence=confidence, evidence=evidence)
    item = Item(source=source, url=f"http://127.0.0.1/{key}/", key=key)
    return Reading(item=item, result=Extraction(is_inspection=True, units=(unit,)), unit=unit,
                   published="2026-11-20", links=(item.url,), quiet=False, official=official, label=source)


class Recorder(Notifier):
    """A channel of the test's own: keeps what it is given (any Notifier works the same)."""

    name = "recorder"

    def __init__(self):
        self.queued, self.delivered = [], 0

    def queue(self, alerts, store):
        self.queued += alerts
        return len(alerts)

    def deliver(self, store, *, now=None):
        self.delivered += 1
        return DeliveryReport()


def _cycle(tmp_path, store, now, notifier):
    config = parse_config({"alert_hold_hours": 24, "baseline": False}, base_dir=tmp_path)
    return Cycle(config=config, store=store, notifiers=[notifier], report=CycleReport(), now=now)


def test_no_rating_waits_for_a_source_that_states_it(tmp_path):
    recorder = Recorder()
    with Store(tmp_path / "state") as store:
        cycle = _cycle(tmp_path, store, NOW, recorder)
        record_unit(cycle, _reading(None))
        assert recorder.queued == [] and cycle.report.held
        (held,) = held_alerts(store)
        assert held["rating"] is None and "not stated" in held["reason"]

    stated = {"rating": "Wigan Probation Delivery Unit has been rated 'Good'.", "previous_rating": None}
    with Store(tmp_path / "state") as store:  # a later run: the hold survived
        cycle = _cycle(tmp_path, store, NOW + timedelta(hours=2), recorder)
        record_unit(cycle, _reading("Good", source="HMI Probation", official=True, key="k2",
                                    confidence="stated", evidence=stated))
        (alert,) = recorder.queued
        assert (alert.unit.rating, alert.reported_by, alert.evidence_source) == ("Good", None, "HMI Probation")
        assert len(store.all_inspections()) == 1  # one event, completed
        assert held_alerts(store) == []


def test_no_rating_after_the_hold_goes_out_as_not_stated_with_no_direction(tmp_path):
    recorder = Recorder()
    with Store(tmp_path / "state") as store:
        record_unit(_cycle(tmp_path, store, NOW, recorder), _reading(None))
        release_due(_cycle(tmp_path, store, NOW + timedelta(hours=23), recorder))
        assert recorder.queued == []
        release_due(_cycle(tmp_path, store, NOW + timedelta(hours=24), recorder))
        (alert,) = recorder.queued
        assert (alert.unit.rating, alert.direction, alert.reported_by) == (None, None, "news-north")
        assert unconfirmed_line(alert).startswith("Rating not stated: reported by news-north")
        assert held_alerts(store) == []


def test_a_direction_from_the_text_needs_the_previous_ratings_sentence(tmp_path):
    said = "Wigan Probation Delivery Unit has been rated 'Inadequate'."
    shown = {"rating": said, "previous_rating": "When last inspected, it was rated 'Good'."}
    for evidence, expected in (({"rating": said, "previous_rating": None}, (None, None)),
                               (shown, ("down", "Good"))):
        recorder = Recorder()
        unit = UnitRating(name="Wigan PDU", type="PDU", rating="Inadequate", previous_rating="Good",
                          direction="down", confidence="stated", evidence=evidence)
        with Store(tmp_path / f"state-{expected[0]}") as store:
            record_unit(_cycle(tmp_path, store, NOW, recorder),
                        replace(_reading("Inadequate", official=True), unit=unit))
        (alert,) = recorder.queued  # a stated official rating alerts at once either way ...
        assert (alert.direction, alert.previous_rating) == expected  # ... claiming only what it shows


# --- one interface for every channel -----------------------------------------------------------------


def test_every_channel_is_a_notifier_and_the_pipeline_treats_them_alike(tmp_path):
    from bot.notify.email import EmailNotifier
    from bot.notify.slack import SlackNotifier

    assert all(issubclass(c, Notifier) for c in (StdoutNotifier, SlackNotifier, EmailNotifier))
    with pytest.raises(TypeError):
        type("Half", (Notifier,), {"queue": lambda self, alerts, store: 0})()  # no deliver: refused

    recorder = Recorder()
    config = parse_config({}, base_dir=tmp_path)
    with Store(tmp_path / "state") as store:
        report = run_cycle(config, store, now=NOW, notifiers=[recorder])
    assert recorder.delivered == 1 and report.exit_code == 0


def test_an_alert_without_a_rating_reads_rating_not_stated_on_the_terminal_and_in_email(tmp_path):
    from bot.notify.email_format import digest_subject, _event
    from bot.notify.stdout import format_alert

    recorder = Recorder()
    with Store(tmp_path / "state") as store:
        record_unit(_cycle(tmp_path, store, NOW, recorder), _reading(None))
        release_due(_cycle(tmp_path, store, NOW + timedelta(hours=24), recorder))
    (alert,) = recorder.queued

    first_line = format_alert(alert).splitlines()[0]
    assert "None" not in first_line and first_line.endswith("inspection published (rating not stated)")
    assert _event(alert)["change"] == "rating not stated"
    assert "None" not in digest_subject([alert])
