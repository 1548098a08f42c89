"""Pure rules joining the record of past ratings with what the bot read (no I/O)."""

from datetime import date

from bot.models import UnitRating
from bot.timeline import date_range, judge_inspection, merge, same_inspection

OFFICIAL = "https://hmiprobation.justiceinspectorates.gov.uk/news/"
NEWS = "https://news.example.org/"
LOOPBACK = "http://127.0.0.1:8000/media-release/"


def row(published, rating, url, seq):
    return {"event_id": f"baseline:{seq}", "unit_key": "x pdu", "name": "X PDU", "type": "PDU", "rating": rating,
            "published": published, "links": [url], "source": "baseline", "seq": seq,
            "sort_day": date_range(published)[0].isoformat() if published else "0001-01-01"}


def read(published, rating, url):
    return {"event_id": f"read:{published}", "unit_key": "x pdu", "name": "X PDU", "rating": rating,
            "published": published, "links": [url], "first_seen": f"{published}T09:00:00+00:00"}


def unit(rating, **extra):
    return UnitRating(name="X PDU", type="PDU", rating=rating, **extra)


def test_partial_and_written_dates_are_ranges_of_days():
    assert date_range("2024-05") == (date(2024, 5, 1), date(2024, 5, 31))
    assert date_range("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert date_range("February 2024") == (date(2024, 2, 1), date(2024, 2, 29))
    assert date_range("9 May 2024") == (date(2024, 5, 9), date(2024, 5, 9))
    assert date_range("soon") is None and date_range(None) is None


def test_the_same_page_is_the_same_inspection_even_on_another_date():
    record = row("2023", "Good", OFFICIAL + "x?utm_source=rss", 2)
    assert same_inspection(record, "Good", "2024-03-01", [OFFICIAL + "x"])
    assert not same_inspection(record, "Good", "2024-03-01", [OFFICIAL + "y"])
    assert same_inspection(row("2024-05", "Good", NEWS, 3), "Good", "2024-07-10", [])  # within 45 days of May


def test_a_record_row_dated_as_this_inspection_with_another_rating_is_not_its_predecessor():
    base = [row("2022-05-17", "Requires improvement", OFFICIAL + "a", 2), row("2024-07-10", "Good", NEWS + "b", 3)]

    verdict = judge_inspection(unit("Inadequate"), [], base, "2024-07-16", LOOPBACK + "c")

    assert (verdict.direction, verdict.previous_rating) == ("down", "Requires improvement")
    assert verdict.note == "the baseline record gives Good for this inspection (2024-07-10)"


def test_a_read_and_a_record_disagreeing_with_no_inspectorate_page_leave_the_next_one_unclear():
    base = [row("2024-07-10", "Good", NEWS + "b", 2)]
    history = [read("2024-07-16", "Inadequate", LOOPBACK + "c")]

    timeline = merge(history, base)
    verdict = judge_inspection(unit("Good"), history, base, "2026-11-02", LOOPBACK + "d")

    assert [e.get("disputed") for e in timeline] == [True, True]
    assert (verdict.direction, verdict.previous_rating, verdict.unclear) == (None, None, True)


def test_the_inspectorates_page_settles_a_disagreement_about_one_inspection():
    read_official = [read("2024-07-16", "Inadequate", OFFICIAL + "c")]
    base = [row("2024-07-10", "Good", NEWS + "b", 2)]
    assert [(e["source"], e["rating"]) for e in merge(read_official, base)] == [("read", "Inadequate")]
    later = judge_inspection(unit("Good"), read_official, base, "2026-11-02", LOOPBACK + "d")
    assert (later.direction, later.previous_rating) == ("up", "Inadequate")

    read_elsewhere = [read("2024-07-16", "Inadequate", LOOPBACK + "c")]
    base = [row("2024-07-10", "Good", OFFICIAL + "b", 2)]
    later = judge_inspection(unit("Good"), read_elsewhere, base, "2026-11-02", LOOPBACK + "d")
    assert (later.direction, later.previous_rating) == ("same", "Good")


def test_a_text_that_says_first_inspection_is_noted_when_the_record_knows_better():
    base = [row("2023-02-09", "Requires improvement", OFFICIAL + "a", 2)]
    verdict = judge_inspection(unit("Requires improvement", direction="new"), [], base, "2026-11-26", LOOPBACK)
    assert (verdict.direction, verdict.previous_rating) == ("same", "Requires improvement")
    assert verdict.note.startswith("this page calls it a first inspection")


def test_the_inspectorates_pages_are_its_site_and_govuk_but_not_councils_or_news():
    from bot.timeline import is_official

    assert is_official(["https://www.justiceinspectorates.gov.uk/hmiprobation/media/x/"])
    assert is_official(["https://www.gov.uk/government/news/x"])
    assert not is_official(["https://www.kirklees.gov.uk/news/x"])
    assert not is_official(["https://www.bbc.co.uk/news/x", "http://127.0.0.1:8000/x"])
