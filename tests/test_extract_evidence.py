"""Evidence and confidence: every rated unit says which passage of the text it was read from (issue 10)."""

import json
import re
from pathlib import Path

import pytest

from bot.extract import explain, extract

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS_FILES = sorted(p for d in ("corpus", "corpus-2") for p in (SHARED / d).glob("*.txt"))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not CORPUS_FILES, reason="the shared labelled corpora are not on this machine")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_evidence_is_a_passage_of_the_source(path):
    text = path.read_text(encoding="utf-8")
    flat = _flat(text)
    for unit in extract(text).units:
        assert unit.confidence in ("stated", "inferred"), unit
        assert unit.evidence["rating"] and _flat(unit.evidence["rating"]) in flat, unit
        if unit.previous_rating:
            assert _flat(unit.evidence["previous_rating"]) in flat, unit
        else:
            assert unit.evidence["previous_rating"] is None, unit


def test_stated_rating_quotes_its_sentence_with_the_texts_own_quotes():
    text = ("Anyshire PDU rated \u2018Good\u2019\nInspectors visited in the spring.\n"
            "Anyshire Probation Delivery Unit has   received an overall rating of \u2018Good\u2019 from "
            "HM Inspectorate of Probation. Staff were positive.")
    unit = extract(text).units[0]
    assert unit.confidence == "stated"
    assert unit.evidence == {
        "rating": "Anyshire Probation Delivery Unit has received an overall rating of \u2018Good\u2019 from "
                  "HM Inspectorate of Probation.",
        "previous_rating": None}


def test_previous_rating_quotes_the_sentence_it_came_from():
    text = ("Wiltbury PDU has been rated 'Good' by HM Inspectorate of Probation. Staff were praised. "
            "At its last inspection in 2021 it was rated 'Requires improvement'.")
    unit = extract(text).units[0]
    assert (unit.rating, unit.previous_rating, unit.direction) == ("Good", "Requires improvement", "up")
    assert unit.evidence["previous_rating"] == "At its last inspection in 2021 it was rated 'Requires improvement'."


@pytest.mark.parametrize("text", [
    # a headline alone
    "Wiltbury PDU rated 'Inadequate'\nThe report was published today by the inspectorate.",
    # one statement giving one rating to two units
    "Wiltbury PDU and Eastmoor PDU have been rated 'Good' by HM Inspectorate of Probation.",
])
def test_headline_only_or_coordination_is_inferred(text):
    result = extract(text)
    assert result.units and all(u.confidence == "inferred" for u in result.units), result.units


def test_a_very_long_sentence_gives_a_short_passage():
    filler = " and staff worked hard" * 400
    text = f"Wiltbury PDU has received an overall rating of 'Good'{filler}"
    unit = extract(text).units[0]
    assert "overall rating of 'Good'" in unit.evidence["rating"]
    assert len(unit.evidence["rating"]) < 400


def test_explain_names_the_rule_for_each_field():
    text = ("Wiltbury PDU has been rated 'Good' by HM Inspectorate of Probation. "
            "At its last inspection in 2021 it was rated 'Requires improvement'.")
    result, trace = explain(text)
    fields = dict(trace)["Wiltbury PDU"]
    assert fields["rating"] == "x-was-rated"
    assert fields["previous_rating"] == "last-inspection-it-was-rated"


def test_json_keeps_the_contracts_shape():
    got = extract("Wiltbury PDU has been rated 'Good' by HM Inspectorate of Probation.").to_json()
    unit = got["units"][0]
    assert set(unit["evidence"]) == {"rating", "previous_rating"}
    json.dumps(got)  # plain JSON, nothing else
