"""The extractor against 320 hand-labelled texts of our own, field by field.

Each case is a whole text (press release, report page, GOV.UK or BBC page as HTML, regional
story, or a publication that is not an inspection report) with the answers a careful reader
gives. KNOWN_GAPS lists the few answers the extractor still gets wrong, each with the reason;
`test_known_gaps_are_still_gaps` fails when one is fixed, so the list never hides a regression.
"""

import json
from pathlib import Path

import pytest

from bot.convert import bytes_to_page
from bot.extract import extract

DATA = Path(__file__).parent / "data" / "extract"
CASES = {c["id"]: c for f in sorted(DATA.glob("*.json")) for c in json.loads(f.read_text())["cases"]}
UNIT_FIELDS = ("name", "type", "rating", "previous_rating", "direction", "score", "recommendations")

# (case id, field) -> why the extractor's answer differs from the label.
KNOWN_GAPS = {
    ("n05", "units"): "an elliptical second clause ('while inspectors said Wigan's requires improvement') is not read",
    ("m02", "units"): "'scored 11/27 and 16/27 respectively' gives only the first score",
    ("m06", "units"): "per-unit recommendation counts in one sentence ('the NPS report makes five') are not split",
    ("n08", "units"): "'the first inspection of the region' is not read as a first inspection (a judgement call)",
    ("vr08", "units"): "a second clause ', while its neighbour in Plymouth was judged to ...' keeps the first subject",
    ("vr36", "units"): "recommendations and ratings given to bare place names of a second unit",
    ("vr41", "units"): "an NPS division rated 'earlier this year' is read as a past rating, not a unit in passing",
}


def _result(case):
    if case["kind"] == "html":
        page = bytes_to_page(case["text"].encode("utf-8"), f"https://example.org/{case['id']}", "text/html")
        return extract(page.text, title=page.title, published=page.published).to_json()
    return extract(case["text"]).to_json()


def _differences(case) -> dict:
    got, want = _result(case), case["expected"]
    diff = {}
    for field in ("is_inspection", "published", "chief_inspector"):
        if got[field] != want[field]:
            diff[field] = (want[field], got[field])
    mine = [{k: u[k] for k in UNIT_FIELDS} for u in got["units"]]
    theirs = [{k: u[k] for k in UNIT_FIELDS} for u in want["units"]]
    if mine != theirs:
        diff["units"] = (theirs, mine)
    return diff


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_case(case_id):
    diff = {k: v for k, v in _differences(CASES[case_id]).items() if (case_id, k) not in KNOWN_GAPS}
    assert diff == {}, f"{CASES[case_id]['style']}: {diff}"


@pytest.mark.parametrize("gap", sorted(KNOWN_GAPS))
def test_known_gaps_are_still_gaps(gap):
    case_id, field = gap
    assert field in _differences(CASES[case_id]), f"{gap} is fixed: remove it from KNOWN_GAPS"
