"""No false alarm through the whole pipeline: texts that rate nothing, published beside a rated release.

Each case publishes one text that reports no HMI Probation rated inspection, and one release that
does, on the loopback feeds of `bench/false_alarms.py` (an official feed and a regional news feed),
runs the real pipeline over them and checks what a newsroom would get: one alert, for the release.
The texts are written for this test (none is copied from a real publication).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "false_alarms.py"
_spec = importlib.util.spec_from_file_location("false_alarms", BENCH)
false_alarms = importlib.util.module_from_spec(_spec)
sys.modules["false_alarms"] = false_alarms  # bench/ is not a package; dataclasses look the module up
_spec.loader.exec_module(false_alarms)

RATED = ("rel.txt", "press_release", """\
Probation service in Oldham rated 'Requires improvement'

The probation service in Oldham has been rated 'Requires improvement' by HM Inspectorate of Probation.

Inspectors visited Oldham Probation Delivery Unit (PDU) in the spring. Chief Inspector of Probation
Martin Jones said: "Staff in Oldham care about the people they supervise, but too many cases lacked
a sound assessment of the risk of harm." The inspectorate made six recommendations.
""")

NEGATIVES = {
    "another-inspectorate": ("ofsted.txt", "news_article", """\
Ofsted rates Rochdale children's services 'Good'

Children's services in Rochdale have been rated 'Good' by Ofsted after a three-week inspection.
The council's youth justice service, which works alongside social care, was praised in the
report for its links with schools. The council leader said the 'Good' judgement was a reward
for years of hard work by social workers.
"""),
    "roundup": ("roundup.txt", "news_article", """\
How Greater Manchester's probation services compare

Our round-up of the latest inspection grades across the county, from the inspectorate's published reports.

Wigan PDU: 'Good'
Bolton PDU: 'Requires improvement'
Stockport and Trafford PDU: 'Requires improvement'
Bury and Rochdale PDU: 'Inadequate'

Reports for all of the services are available on the inspectorate's website.
"""),
    "could-be-rated": ("could.txt", "news_article", """\
Bolton probation service warned over staff shortages

Union officials have warned that Bolton PDU could be rated 'Inadequate' at its next inspection
unless more probation officers are recruited. No date has yet been set for inspectors to visit.
A spokesperson for the Probation Service said recruitment was a national priority.
"""),
    "thematic": ("thematic.txt", "press_release", """\
Inspectors call for better support for women leaving prison

A thematic inspection by HM Inspectorate of Probation has found that women released from prison
are too often left without safe housing. Inspectors looked at the work of six probation delivery
units, including Wigan PDU and Stockport and Trafford PDU, but thematic inspections do not rate
individual services. The report makes eight recommendations to the Probation Service nationally.
"""),
}

# Cases the extractor still reads as a rating (issue 10): they xfail while it does, and fail
# once it no longer does, so that the entry is removed and the case guards the fix.
STILL_ALERTED = {
    "another-inspectorate": "Ofsted's rating of children's services is read as the YJS's (issue 10)",
    "could-be-rated": "'could be rated' is read as a rating (issue 10)",
}


def publish(folder: Path, *texts) -> Path:
    """Write the texts and a labels.json in the corpus format into `folder`."""
    folder.mkdir()
    labels = []
    for file, kind, body in texts:
        (folder / file).write_text(body, encoding="utf-8")
        rated = file == RATED[0]
        labels.append({"file": file, "kind": kind, "is_rated_inspection": rated,
                       "unit_name": "Oldham PDU" if rated else None, "unit_type": "PDU" if rated else None,
                       "overall_rating": "Requires improvement" if rated else None,
                       "previous_rating": None, "direction": None, "first_inspection": None})
    (folder / "labels.json").write_text(json.dumps(labels), encoding="utf-8")
    return folder


@pytest.mark.parametrize("case", list(NEGATIVES))
def test_a_text_that_rates_nothing_raises_no_alert_and_the_release_one(tmp_path, case):
    folder = publish(tmp_path / "texts", NEGATIVES[case], RATED)

    # History starts empty (no packaged record), so the release's direction is the text's own: none.
    found = false_alarms.measure([folder], baseline=False)

    release = next(t for t in found.texts if t.path.name == RATED[0])
    from_release = [(a.unit.name, a.unit.rating, a.direction) for a in found.alerts
                    if urlsplit(a.links[0]).path == release.page]
    assert from_release == [("Oldham PDU", "Requires improvement", None)]
    assert found.missed == [] and found.failures == []
    if case in STILL_ALERTED:
        if found.false_alarms:
            pytest.xfail(STILL_ALERTED[case])
        pytest.fail(f"{case}: no false alarm any more; remove it from STILL_ALERTED")
    assert found.false_alarms == [], false_alarms.format_report(found)
    assert len(found.alerts) == 1


def test_the_harness_reports_a_false_alarm_and_exits_1(tmp_path, capsys):
    # The same rated release, labelled as rating nothing: the harness must call it a false alarm.
    folder = publish(tmp_path / "texts", RATED)
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    labels[0]["is_rated_inspection"] = False
    (folder / "labels.json").write_text(json.dumps(labels), encoding="utf-8")

    code = false_alarms.main([str(folder), "--no-baseline"])

    out = capsys.readouterr().out
    assert code == 1
    assert "FALSE ALARMS (alerts from texts labelled as reporting no rated inspection): 1" in out
    assert "texts/rel.txt [official]: Oldham PDU 'Requires improvement'" in out
    assert "has been rated 'Requires improvement' by HM Inspectorate of Probation" in out  # the evidence


def test_news_goes_on_the_regional_feed_and_releases_on_the_official_one(tmp_path):
    folder = publish(tmp_path / "texts", RATED, NEGATIVES["could-be-rated"])

    texts = {t.path.name: t for t in false_alarms.load_texts([folder])}

    assert texts["rel.txt"].official and not texts["could.txt"].official
    assert texts["rel.txt"].page.startswith("/hmiprobation/") and texts["could.txt"].page.startswith("/news/")
