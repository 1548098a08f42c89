"""The diff rules: which earlier inspection counts, which reports are one event, what a merge adds."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.diff import event_id, find_same_event, judge, merge_record, unit_key
from bot.models import UnitRating

NOW = datetime(2024, 11, 20, 12, 0, tzinfo=timezone.utc)


def unit(**fields) -> UnitRating:
    """Kirklees PDU as a text reports it, with `fields` changed."""
    return UnitRating(**{"name": "Kirklees PDU", "type": "PDU", "rating": "Inadequate", **fields})


def record(event: str, rating: str, published: str | None, **fields) -> dict:
    """A stored inspection of Kirklees PDU."""
    return {"event_id": event, "unit_key": "kirklees pdu", "name": "Kirklees PDU", "type": "PDU",
            "rating": rating, "published": published,
            "first_seen": f"{published or '2024-11-18'}T09:00:00+00:00",
            "links": ["https://example.org/press"], "region": None, "score": None,
            "recommendations": None, "previous_rating": None, "previous_inspection": None,
            "previous_published": None, "findings": [], "standards": {}, "title": None,
            "direction": None, **fields}


def test_unit_key_ignores_case_and_spacing():
    assert unit_key("  Kirklees \n PDU ") == unit_key("KIRKLEES pdu") == "kirklees pdu"


def test_event_id_is_stable_and_tells_events_apart():
    a = event_id("kirklees pdu", "2024-11-15", "Inadequate", "https://example.org/a")
    assert a == event_id("kirklees pdu", "2024-11-15", "Inadequate", "https://example.org/a")
    assert a != event_id("kirklees pdu", "2024-11-15", "Good", "https://example.org/a")
    assert a != event_id("kirklees pdu", None, "Inadequate", "https://example.org/a")


def test_a_downgrade_is_found_through_history_when_the_text_is_silent():
    earlier = [record("e0", "Good", "2021-06-01"), record("e1", "Requires improvement", "2023-03-10")]
    assert judge(unit(), earlier, "2024-11-15") == ("down", "Requires improvement", "2023-03-10")


def test_history_beats_the_previous_rating_the_text_states():
    earlier = [record("e1", "Good", "2023-03-10")]
    text = unit(previous_rating="Inadequate", previous_inspection="March 2023", direction="same")
    assert judge(text, earlier, "2024-11-15") == ("down", "Good", "2023-03-10")


def test_the_text_is_used_when_history_has_nothing_earlier():
    text = unit(rating="Good", previous_rating="Requires improvement", previous_inspection="May 2022",
                direction="up")
    assert judge(text, [], "2024-11-15") == ("up", "Requires improvement", "May 2022")


def test_first_inspection_is_new_only_when_history_has_nothing():
    assert judge(unit(direction="new"), [], "2024-11-15") == ("new", None, None)
    earlier = [record("e1", "Inadequate", "2023-03-10")]
    assert judge(unit(direction="new"), earlier, "2024-11-15") == ("same", "Inadequate", "2023-03-10")


def test_with_no_history_and_a_silent_text_the_direction_is_unknown():
    assert judge(unit(), [], "2024-11-15") == (None, None, None)


def test_later_inspections_in_history_are_not_previous_ones():
    # Backfill records an old report after a newer one is already stored.
    later = [record("e9", "Good", "2024-11-15")]
    assert judge(unit(rating="Requires improvement"), later, "2022-01-10") == (None, None, None)


def test_an_undated_report_is_judged_against_everything_stored():
    earlier = [record("e0", "Good", "2021-06-01"), record("e1", "Outstanding", None)]
    assert judge(unit(), earlier, None) == ("down", "Outstanding", "2024-11-18")


def test_the_same_event_told_a_week_apart_by_another_source_is_one_event():
    press = record("e1", "Inadequate", "2024-11-15")
    older = record("e0", "Inadequate", "2021-02-01")
    assert find_same_event([older, press], unit(), "2024-11-22", now=NOW) is press


def test_a_different_rating_is_a_different_event():
    press = record("e1", "Inadequate", "2024-11-15")
    assert find_same_event([press], unit(rating="Requires improvement"), "2024-11-16", now=NOW) is None


def test_the_same_rating_years_later_is_a_new_event():
    old = record("e0", "Inadequate", "2021-02-01")
    assert find_same_event([old], unit(), "2024-11-15", now=NOW) is None
    assert find_same_event([old], unit(), "2021-03-15", window_days=30, now=NOW) is None
    assert find_same_event([old], unit(), "2021-03-15", window_days=45, now=NOW) is old


def test_with_a_date_missing_recent_first_sight_decides():
    undated = record("e1", "Inadequate", None, first_seen="2024-11-18T09:00:00+00:00")
    assert find_same_event([undated], unit(), "2024-11-20", now=NOW) is undated
    stale = record("e0", "Inadequate", None, first_seen="2023-01-01T09:00:00+00:00")
    assert find_same_event([stale], unit(), None, now=NOW) is None


def test_the_closest_of_several_candidates_is_the_event():
    a = record("a", "Inadequate", "2024-10-10")
    b = record("b", "Inadequate", "2024-11-14")
    assert find_same_event([a, b], unit(), "2024-11-15", now=NOW) is b


def test_merge_adds_the_link_and_missing_fields_but_never_overwrites():
    stored = record("e1", "Inadequate", "2024-11-15", region="Yorkshire and the Humber", score="3/24",
                    findings=["Staff shortages"], standards={"1.1 Leadership": "Inadequate"})
    report = unit(region="Somewhere else", score="4/24", recommendations=8)
    changes = merge_record(stored, report, "https://example.org/report", title="Kirklees report",
                           findings=["Other headline"],
                           standards={"1.1 Leadership": "Good", "2.2 Assessment": "Inadequate"})
    assert changes == {"links": ["https://example.org/press", "https://example.org/report"],
                       "recommendations": 8, "title": "Kirklees report",
                       "standards": {"1.1 Leadership": "Inadequate", "2.2 Assessment": "Inadequate"}}


def test_a_stated_previous_rating_fills_an_unknown_direction():
    stored = record("e1", "Inadequate", "2024-11-15")
    shown = {"rating": "It is rated 'Inadequate'.", "previous_rating": "In June 2021 it was rated 'Good'."}
    report = unit(previous_rating="Good", previous_inspection="June 2021", evidence=shown)
    changes = merge_record(stored, report, "https://example.org/news")
    assert changes["direction"] == "down" and changes["previous_rating"] == "Good"
    assert changes["previous_published"] == "June 2021"


def test_a_previous_rating_without_its_sentence_fills_nothing():
    stored = record("e1", "Inadequate", "2024-11-15")
    report = unit(previous_rating="Good", evidence={"rating": "It is rated 'Inadequate'.", "previous_rating": None})
    changes = merge_record(stored, report, "https://example.org/news")
    assert "previous_rating" not in changes and "direction" not in changes


def test_merge_with_nothing_new_returns_none():
    stored = record("e1", "Inadequate", "2024-11-15", recommendations=8)
    assert merge_record(stored, unit(recommendations=8), "https://example.org/press") is None
    assert merge_record(stored, unit(), "https://example.org/press", findings=[], standards={}) is None
