"""When digests are due (time zones, clock changes, missed runs) and what a pass sends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.config import Config, Digest, EmailConfig
from bot.cron import cron_trigger
from bot.digest import digest_statuses, is_due, next_due
from bot.errors import ConfigError
from bot.history import Store
from bot.models import Alert, UnitRating
from bot.notify.email import EmailNotifier, send_due_digests


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def alert(event_id: str, name: str = "Kirklees PDU", direction: str = "down") -> Alert:
    unit = UnitRating(name=name, type="PDU", region="Yorkshire and the Humber", rating="Inadequate")
    return Alert(event_id=event_id, unit=unit, direction=direction, previous_rating="Good",
                 previous_published="2023-03-01", published="2026-03-25",
                 findings=("One.", "Two."), links=(f"https://www.gov.uk/news/{event_id}",))


DAILY = Digest(name="daily", to=("a@example.org",), schedule="0 8 * * *")
WEEKLY = Digest(name="weekly", to=("a@example.org",), schedule="0 8 * * 1")


class Bot:
    """A state folder, an email config pointing at the loopback server, and the calls a run makes."""

    def __init__(self, tmp_path, server, *digests: Digest):
        self.state = tmp_path / "state"
        self.email = EmailConfig(smtp=server.config(), from_addr="Bot <bot@example.org>", digests=digests)
        self.config = Config(path=None, state_dir=self.state, email=self.email)

    def queue(self, *alerts: Alert) -> int:
        with Store(self.state) as store:
            return EmailNotifier(self.email).queue(list(alerts), store)

    def last_sent(self, digest: str, when: datetime) -> None:
        with Store(self.state) as store:
            store.set_digest_last_sent(digest, when)

    def send(self, now: datetime, **options):
        with Store(self.state) as store:
            return send_due_digests(self.config, store, now=now, **options)

    def pending(self, digest: str) -> list[str]:
        with Store(self.state) as store:
            return [e["event_id"] for e in store.digest_entries(digest)]


# --- due-ness --------------------------------------------------------------------------


def test_spring_forward_08_00_london_is_07_00_utc():
    last = utc(2026, 3, 28, 8, 0)  # Saturday 08:00 GMT
    assert not is_due(DAILY, last, utc(2026, 3, 29, 6, 59, 59))
    assert is_due(DAILY, last, utc(2026, 3, 29, 7, 0))  # Sunday 08:00 BST
    assert next_due(DAILY, last, utc(2026, 3, 28, 12, 0)) == utc(2026, 3, 29, 7, 0)


def test_fall_back_08_00_london_is_08_00_utc_again():
    last = utc(2026, 10, 24, 7, 0)  # Saturday 08:00 BST
    assert not is_due(DAILY, last, utc(2026, 10, 25, 7, 59))
    assert is_due(DAILY, last, utc(2026, 10, 25, 8, 0))  # Sunday 08:00 GMT
    assert next_due(DAILY, last, utc(2026, 10, 24, 9, 0)) == utc(2026, 10, 25, 8, 0)


def test_a_wall_clock_time_the_autumn_change_repeats_counts_once():
    night = Digest(name="night", to=("a@example.org",), schedule="30 1 * * *")
    first = utc(2026, 10, 25, 0, 30)  # 01:30 BST; 01:30 GMT an hour later is the same local time
    assert is_due(night, utc(2026, 10, 24, 12, 0), first)
    assert not is_due(night, first, utc(2026, 10, 25, 1, 45))
    assert next_due(night, first, utc(2026, 10, 25, 1, 45)) == utc(2026, 10, 26, 1, 30)


def test_the_schedule_is_read_in_the_digests_time_zone():
    new_york = Digest(name="ny", to=("a@example.org",), schedule="0 8 * * *", timezone="America/New_York")
    assert next_due(new_york, utc(2026, 1, 5, 0, 0), utc(2026, 1, 5, 0, 0)) == utc(2026, 1, 5, 13, 0)


def test_a_digest_never_sent_measures_from_since_and_immediate_is_always_due():
    now = utc(2026, 3, 30, 9, 0)
    assert not is_due(WEEKLY, None, now)
    assert is_due(WEEKLY, None, now, since=utc(2026, 3, 27, 12, 0))
    assert not is_due(WEEKLY, None, now, since=utc(2026, 3, 30, 8, 30))
    immediate = Digest(name="now", to=("a@example.org",), schedule="immediate")
    assert is_due(immediate, None, now) and next_due(immediate, None, now) is None


# --- sending ---------------------------------------------------------------------------


def test_a_missed_08_00_sends_once_on_the_next_run(tmp_path, smtp_server):
    bot = Bot(tmp_path, smtp_server, WEEKLY)
    bot.last_sent("weekly", utc(2026, 3, 16, 8, 0))
    bot.queue(alert("e1"), alert("e2", "Leeds PDU"))
    # The machine was off on Mondays 23 and 30 March: one digest on Tuesday, not two.
    assert bot.send(utc(2026, 3, 31, 10, 0)).sent == [("weekly", 2, ("a@example.org",))]
    assert bot.send(utc(2026, 3, 31, 10, 30)).sent == []
    bot.queue(alert("e3", "York PDU"))
    report = bot.send(utc(2026, 4, 5, 23, 0))
    assert report.sent == [] and report.skipped == [
        "email weekly: not due; next Monday 6 April 2026, 08:00 BST"]
    assert bot.send(utc(2026, 4, 6, 7, 0)).sent == [("weekly", 1, ("a@example.org",))]
    assert [m["Subject"] for _, _, m in smtp_server.received] == [
        "2 probation inspections: 2 down", "1 probation inspection: York PDU Inadequate (down from Good)"]


def test_an_empty_slot_sends_nothing_and_the_next_event_waits_for_the_next_slot(tmp_path, smtp_server):
    bot = Bot(tmp_path, smtp_server, WEEKLY)
    bot.last_sent("weekly", utc(2026, 3, 16, 8, 0))
    report = bot.send(utc(2026, 3, 23, 8, 0))
    assert smtp_server.received == []
    assert report.skipped == ["email weekly: nothing new (send_empty is false)"]
    bot.queue(alert("e1"))
    assert bot.send(utc(2026, 3, 24, 9, 0)).sent == []  # Tuesday: Monday's slot has passed
    assert bot.pending("weekly") == ["e1"]
    assert bot.send(utc(2026, 3, 30, 7, 0)).sent == [("weekly", 1, ("a@example.org",))]


def test_send_empty_mails_an_empty_digest(tmp_path, smtp_server):
    bot = Bot(tmp_path, smtp_server, Digest(name="weekly", to=("a@example.org",), send_empty=True))
    bot.last_sent("weekly", utc(2026, 3, 16, 8, 0))
    assert bot.send(utc(2026, 3, 23, 8, 0)).sent == [("weekly", 0, ("a@example.org",))]
    [(_, _, message)] = smtp_server.received
    assert message["Subject"] == "No new probation inspections"
    assert "No new inspection matched" in message.get_body(("plain",)).get_content()


def test_a_new_digest_neither_floods_nor_waits_forever(tmp_path, smtp_server):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    minute = (now + timedelta(minutes=30)).minute  # the schedule fires 30 min from now, hourly
    hourly = Digest(name="hourly", to=("a@example.org",), schedule=f"{minute} * * * *")
    bot = Bot(tmp_path, smtp_server, hourly)
    assert bot.send(now).sent == []  # first sighting: the first period starts now
    bot.queue(alert("e1"))
    assert bot.send(now + timedelta(minutes=1)).sent == []
    assert bot.send(now + timedelta(minutes=31)).sent == [("hourly", 1, ("a@example.org",))]


def test_force_sends_now_but_never_an_empty_digest(tmp_path, smtp_server):
    bot = Bot(tmp_path, smtp_server, WEEKLY)
    bot.last_sent("weekly", utc(2026, 3, 23, 8, 0))
    wednesday = utc(2026, 3, 25, 12, 0)
    assert bot.send(wednesday, force=True).skipped == ["email weekly: nothing new (send_empty is false)"]
    bot.queue(alert("e1"))
    assert bot.send(wednesday, force=True, name="weekly").sent == [("weekly", 1, ("a@example.org",))]
    assert bot.pending("weekly") == [] and len(smtp_server.received) == 1


def test_an_unknown_digest_name_is_a_config_error(tmp_path, smtp_server):
    bot = Bot(tmp_path, smtp_server, WEEKLY)
    with pytest.raises(ConfigError, match=r"^email\.digests: no digest named 'x'$"):
        bot.send(utc(2026, 3, 30, 7, 0), name="x")


def test_immediate_sends_one_email_per_event_right_after_the_run(tmp_path, smtp_server):
    immediate = Digest(name="alerts", to=("a@example.org",), schedule="immediate", directions=("down",))
    bot = Bot(tmp_path, smtp_server, immediate, WEEKLY)
    bot.last_sent("weekly", utc(2026, 3, 23, 8, 0))
    assert bot.queue(alert("e1"), alert("e2", "Leeds PDU"), alert("e3", "York PDU", "up")) == 5
    report = bot.send(utc(2026, 3, 25, 12, 0))
    assert report.sent == [("alerts", 1, ("a@example.org",)), ("alerts", 1, ("a@example.org",))]
    assert sorted(m["Subject"] for _, _, m in smtp_server.received) == [
        "1 probation inspection: Kirklees PDU Inadequate (down from Good)",
        "1 probation inspection: Leeds PDU Inadequate (down from Good)"]
    assert bot.pending("alerts") == [] and bot.pending("weekly") == ["e1", "e2", "e3"]
    assert bot.send(utc(2026, 3, 25, 12, 30)).sent == []


def test_an_update_revises_the_unsent_entry_and_never_adds_a_second(tmp_path, smtp_server):
    bot = Bot(tmp_path, smtp_server, WEEKLY)
    from dataclasses import replace

    bot.queue(alert("e1"))
    revised = replace(alert("e1"), links=("https://a.example/1", "https://b.example/2"), is_update=True)
    bot.queue(revised)
    assert bot.pending("weekly") == ["e1"]
    with Store(bot.state) as store:
        [entry] = store.digest_entries("weekly")
    assert entry["alert"]["links"] == ["https://a.example/1", "https://b.example/2"]


def test_statuses_show_pending_last_sent_and_next_due(tmp_path, smtp_server):
    immediate = Digest(name="alerts", to=("a@example.org",), schedule="immediate")
    bot = Bot(tmp_path, smtp_server, WEEKLY, immediate)
    bot.last_sent("weekly", utc(2026, 3, 23, 8, 0))
    bot.queue(alert("e1"))
    with Store(bot.state) as store:
        weekly, alerts = digest_statuses(bot.config, store, now=utc(2026, 3, 25, 12, 0))
    assert (weekly.pending, weekly.last_sent) == (1, utc(2026, 3, 23, 8, 0))
    assert weekly.next_due == utc(2026, 3, 30, 7, 0)
    assert (alerts.pending, alerts.last_sent, alerts.next_due) == (1, None, None)


def test_cron_day_numbers_are_standard_crontab_not_apschedulers():
    # APScheduler 3 alone would read "1" as Tuesday (its issue 286).
    wednesday = utc(2026, 3, 25, 12, 0)
    assert next_due(WEEKLY, wednesday, wednesday) == utc(2026, 3, 30, 7, 0)  # Monday
    sunday = Digest(name="s", to=("a@example.org",), schedule="0 9 * * 0")
    also_sunday = Digest(name="s7", to=("a@example.org",), schedule="0 9 * * 7")
    weekdays = Digest(name="w", to=("a@example.org",), schedule="0 9 * * 1-5")
    assert next_due(sunday, wednesday, wednesday) == utc(2026, 3, 29, 8, 0)
    assert next_due(also_sunday, wednesday, wednesday) == utc(2026, 3, 29, 8, 0)
    assert next_due(weekdays, utc(2026, 3, 27, 12, 0), wednesday) == utc(2026, 3, 30, 8, 0)  # Fri → Mon
    with pytest.raises(ValueError, match="day of week"):
        cron_trigger("0 9 * * 8", "Europe/London")
