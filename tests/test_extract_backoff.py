"""The backoff reader (bot/extract/backoff.py) on short texts of our own: what it reads when the
specific rules read nothing, the traps it must leave unrated, and that it never changes a reading
of the specific rules."""

import pytest

from bot.extract import explain, extract

HMIP = "HM Inspectorate of Probation"

# (text, rating, previous, direction, recommendations)
READ = [
    (f"Bolton probation gets bottom grade\n\nInspectors from {HMIP} gave the Bolton Probation Delivery Unit "
     "the lowest possible overall rating, 'Inadequate'. Seven recommendations were made.",
     "Inadequate", None, None, 7),
    (f"Bury youth justice top of the class\n\n{HMIP} has given Bury Youth Justice Service the highest possible "
     "grade after its latest inspection. The inspectors made two recommendations.",
     "Outstanding", None, None, 2),
    (f"Oldham probation in second-lowest band\n\nOldham Probation Delivery Unit received the second-lowest rating "
     f"available from {HMIP}. It made five recommendations.",
     "Requires improvement", None, None, 5),
    (f"Halton youth justice inspection\n\nThe overall judgement was Requires Improvement, {HMIP} said of Halton "
     "Youth Justice Service.", "Requires improvement", None, None, None),
    (f"York youth justice service inspected\n\nYork Youth Justice Service was inspected for the first time this "
     f"spring, and {HMIP} has rated it as \"requires improvement\".", "Requires improvement", None, "new", None),
    ("Bolton probation services are still inadequate, say inspectors\n\nThe probation inspectorate found "
     "Bolton Probation Delivery Unit short of staff.", "Inadequate", None, None, None),
    (f"Bury youth justice rated good\n\nThe service was rated good by {HMIP} - a fall from the rating of "
     "Outstanding awarded at the previous inspection.", "Good", "Outstanding", "down", None),
    (f"Oldham probation improves\n\n{HMIP} judged Oldham Probation Delivery Unit good, up from requires "
     "improvement at its previous inspection. Three recommendations were made.",
     "Good", "Requires improvement", "up", 3),
    (f"Halton youth justice keeps grade\n\n{HMIP} gave Halton Youth Justice Service the same rating as at its "
     "last inspection, 'Good'.", "Good", "Good", "same", None),
    (f"Bolton probation needs to improve, watchdog says\n\nThe report by {HMIP} on Bolton Probation Delivery "
     "Unit found gaps in risk assessment. Four recommendations were made.",
     "Requires improvement", None, None, 4),
    (f"Bury youth justice one step from the top\n\n{HMIP} has judged Bury Youth Justice Service good, one "
     "grade below outstanding.", "Good", None, None, None),
    (f"Committee minutes\n\nMembers noted the {HMIP} inspection outcome for Halton Youth Justice Service: "
     "Outstanding. Two recommendations were made.", "Outstanding", None, None, 2),
    (f"Oldham probation\n\nOldham Probation Delivery Unit remains inadequate, according to {HMIP}.",
     "Inadequate", "Inadequate", "same", None),
]


@pytest.mark.parametrize("text, rating, previous, direction, recs", READ, ids=[t.split("\n")[0] for t, *_ in READ])
def test_backoff_reads_the_unit(text, rating, previous, direction, recs):
    ex = extract(text)
    assert ex.is_inspection
    unit = ex.units[0]
    assert (unit.rating, unit.previous_rating, unit.direction, unit.recommendations) == \
        (rating, previous, direction, recs)
    assert unit.evidence["rating"] and unit.evidence["rating"] in text


def test_explain_names_the_backoff_rule():
    _, trace = explain(READ[0][0])
    assert ("Bolton PDU", "backoff-scale-position") in [(u, f.get("rating")) for u, f in trace if f.get("backoff")]
    _, trace = explain(READ[6][0])  # the specific rules read 'Good'; the backoff adds the previous rating
    assert [f["previous_rating"] for _, f in trace if f.get("backoff")] == ["backoff-rating-word"]


def test_a_named_unit_with_a_cue_is_stated_a_headline_alone_inferred():
    stated = extract(f"Bolton probation inspected\n\n{HMIP} gave Bolton Probation Delivery Unit the lowest "
                     "possible grade.").units[0]
    assert stated.confidence == "stated"
    inferred = extract("Bolton probation services are still inadequate, say inspectors\n\nThe probation "
                       "inspectorate visited Bolton Probation Delivery Unit in May.").units[0]
    assert inferred.confidence == "inferred"


TRAPS = [
    ("Ofsted", "Bury children's services given top grade\n\nOfsted has given Bury's children's services the "
     "highest possible grade. Inspectors praised Bury Youth Justice Service's links with schools."),
    ("police", "Force handed lowest grade\n\nHMICFRS gave the police force the lowest possible grade, and "
     "inspectors criticised its work with Bolton Probation Delivery Unit."),
    ("prisons", "Jail in bottom band\n\nHM Inspectorate of Prisons placed the prison in the lowest of its four "
     "bands; Oldham Probation Delivery Unit supervises many of its leavers."),
    ("CQC", "Trust needs to improve\n\nThe Care Quality Commission said the trust's work with Halton Youth "
     "Justice Service needs to improve."),
    ("negation", f"Bolton probation avoids bottom grade\n\nBolton Probation Delivery Unit avoided the lowest "
     f"possible grade, {HMIP} confirmed, though the report is not yet out."),
    ("modality", f"Union fears for Oldham probation\n\nOldham Probation Delivery Unit could be handed the lowest "
     f"grade when inspectors from {HMIP} return, a union said."),
    ("intent", f"York youth justice plan\n\nYork Youth Justice Service aims to achieve the highest grade at its "
     f"next inspection by {HMIP}."),
    ("sub-rating", f"Halton youth justice report\n\n{HMIP} rated three of the 12 standards at Halton Youth "
     "Justice Service inadequate."),
    ("deserves", f"MP praises Bury staff\n\nThe MP said Bury Youth Justice Service deserves the highest grade "
     f"from {HMIP}."),
    ("past only", f"Inspectors to visit Bolton\n\n{HMIP} will inspect Bolton Probation Delivery Unit next month. "
     "It was placed in the bottom band at its last inspection in 2021."),
    ("roundup", f"Probation ratings across the North West\n\n{HMIP} gave Bolton Probation Delivery Unit, Oldham "
     "Probation Delivery Unit, Wigan Probation Delivery Unit and Cumbria Probation Delivery Unit the second-lowest "
     "rating available this year."),
    ("in passing", f"Bolton probation: new head appointed\n\nA new head has been appointed at Bolton Probation "
     f"Delivery Unit, which inspectors from {HMIP} judged inadequate last year."),
    ("a quote's wish", f"Oldham probation report\n\nChief Inspector of Probation said: \"We want every service to "
     f"be Good.\" {HMIP} visited Oldham Probation Delivery Unit in May."),
    ("good at", f"Bolton probation\n\nBolton Probation Delivery Unit is good at engaging people, inspectors from "
     f"{HMIP} found."),
    ("attributes", f"Halton youth justice\n\n{HMIP} found that Halton Youth Justice Service had good partnerships "
     "and strong leadership."),
    ("before 2018", f"Oldham probation report\n\n{HMIP} inspected Oldham Probation Delivery Unit. In 2016 the "
     "area's probation work was judged inadequate."),
    ("no subject", f"Review of a serious further offence\n\nA man supervised by Oldham Probation Delivery Unit "
     f"went on to offend. Inspectors from {HMIP} found the supervision of the man inadequate."),
    ("done by the unit", f"Bolton probation\n\nInspectors from {HMIP} said the work done by Bolton Probation "
     "Delivery Unit on the case was good."),
    ("expectation", f"Bury youth justice\n\nInspectors from {HMIP} will publish their verdict on Bury Youth "
     "Justice Service next week; staff expect it to be good."),
]


@pytest.mark.parametrize("kind, text", TRAPS, ids=[k for k, _ in TRAPS])
def test_backoff_traps_rate_nothing(kind, text):
    ex = extract(text)
    assert not any(u.rating for u in ex.units), (kind, ex.units)


def test_the_backoff_never_changes_a_specific_reading():
    text = (f"Bolton probation rated 'Good'\n\nBolton Probation Delivery Unit has been rated 'Good' by {HMIP}. "
            "Inspectors said it needs to improve, and gave it the top grade for leadership.")
    ex, trace = explain(text)
    assert [(u.rating, u.previous_rating) for u in ex.units] == [("Good", None)]
    assert not any(fields.get("backoff") for _, fields in trace)


# A second sweep of wordings of our own, written after the reader: 15 of 20 right when first run
# (a previous "having rated it good previously", "the same as last time", "a good rating", and two
# traps where the unit's staff or work, not the unit, is rated); the fixes were general rules.
SWEEP = [
 (f"Bolton probation report\n\nInspectors from {HMIP} awarded Bolton Probation Delivery Unit the second-highest of the four grades.", ("Good",None)),
 (f"Halton youth justice celebrates\n\nHalton Youth Justice Service has landed the top rating from {HMIP}.", ("Outstanding",None)),
 (f"Oldham probation report out\n\nThe inspectorate's verdict on Oldham Probation Delivery Unit was inadequate, after a visit by {HMIP}.", ("Inadequate",None)),
 (f"York youth justice report\n\n{HMIP} said York Youth Justice Service was outstanding overall.", ("Outstanding",None)),
 ("Bury youth justice criticised\n\nBury Youth Justice Service has been branded inadequate by probation inspectors.", ("Inadequate",None)),
 ("Bolton probation report\n\nProbation inspectors have told Bolton Probation Delivery Unit it requires improvement.", ("Requires improvement",None)),
 (f"Bolton probation marked down\n\n{HMIP} marked Bolton Probation Delivery Unit down to requires improvement, having rated it good previously.", ("Requires improvement","Good")),
 ("Halton youth justice report\n\nHalton Youth Justice Service earned a good rating from inspectors, the same as last time.", ("Good","Good")),
 (f"York youth justice improves\n\nInspectors from {HMIP} gave York Youth Justice Service a 'Good' rating - an improvement on the 'Requires improvement' it got in 2021.", ("Good","Requires improvement")),
 (f"Bolton probation report\n\n{HMIP} placed Bolton Probation Delivery Unit in the bottom category of its four-point scale.", ("Inadequate",None)),
 (f"Bury youth justice report\n\nBury Youth Justice Service achieved the best possible rating from {HMIP}.", ("Outstanding",None)),
 (f"Bolton probation report\n\n{HMIP} ranked Bolton Probation Delivery Unit as requiring improvement.", ("Requires improvement",None)),
 (f"Oldham probation report\n\nOldham Probation Delivery Unit is rated inadequate in a report by {HMIP} published today.", ("Inadequate",None)),
 # traps
 (f"Bolton probation report\n\nBolton Probation Delivery Unit is not inadequate, inspectors from {HMIP} stressed, but it is not yet good either.", None),
 (f"Bolton probation fears\n\nIf Bolton Probation Delivery Unit were inspected today it would be rated inadequate, staff told {HMIP}.", None),
 (f"Oldham probation staff\n\nStaff morale at Oldham Probation Delivery Unit was good, inspectors from {HMIP} found in a survey.", None),
 (f"Bolton probation report\n\nInspectors from {HMIP} said the quality of assessment work at Bolton Probation Delivery Unit was good.", None),
 (f"Oldham probation inspection next\n\n{HMIP} is expected to rate Oldham Probation Delivery Unit inadequate next month.", None),
 (f"Halton youth justice\n\nHalton Youth Justice Service's case managers were rated good by the children they work with, {HMIP} reported.", None),
 (f"Bury youth justice board\n\nThe board of Bury Youth Justice Service heard that {HMIP} rates services on a four-point scale, from outstanding to inadequate.", None),
]


@pytest.mark.parametrize("text, want", SWEEP, ids=[t.split("\n")[-1][:40] for t, _ in SWEEP])
def test_second_sweep(text, want):
    ex = extract(text)
    got = (ex.units[0].rating, ex.units[0].previous_rating) if ex.units and ex.units[0].rating else None
    assert got == want


# A third sweep (radio, council papers, moves): 8 of 12 right when first run ("the bottom tier",
# "upgraded X to good", "having been inadequate at its last inspection"); fixed by general rules.
SWEEP_3 = [
 ("Radio news: Oldham probation\n\nNews at six. Oldham's probation service is in the bottom tier, according to a report out today from the probation watchdog. Inspectors found too few staff. Back to you in the studio.", ("Inadequate", None)),
 (f"Report to Scrutiny Panel\n\n1. Purpose\n1.1 To inform members of the outcome of the inspection of Bury Youth Justice Service by {HMIP}.\n2. Findings\n2.1 The service was judged to require improvement overall.", ("Requires improvement", None)),
 (f"Bolton probation\n\nHaving been inadequate at its last inspection, Bolton Probation Delivery Unit is now rated requires improvement by {HMIP}.", ("Requires improvement", "Inadequate")),
 (f"York youth justice\n\n{HMIP} has upgraded York Youth Justice Service to good.", ("Good", None)),
 (f"Oldham probation\n\nIt is a verdict of 'Inadequate' for Oldham Probation Delivery Unit from {HMIP}.", ("Inadequate", None)),
 (f"Halton youth justice\n\nHalton Youth Justice Service has dropped a grade to requires improvement, {HMIP} said. It was good in 2021.", ("Requires improvement", "Good")),
 # traps
 (f"Ofsted praises Bury\n\nOfsted inspectors rated the council's children's services good. Bury Youth Justice Service was mentioned; {HMIP} last visited in 2022.", None),
 (f"Bolton probation staff survey\n\nStaff at Bolton Probation Delivery Unit rated their managers good in a survey, ahead of a visit by {HMIP}.", None),
 (f"Oldham probation\n\nOldham Probation Delivery Unit hopes to move up from inadequate when {HMIP} returns.", None),
 (f"Youth justice across Greater Manchester\n\n{HMIP} has rated Bolton, Bury, Oldham, Wigan and Salford youth justice services over the past three years; most were judged good.", None),
 (f"Bury youth justice\n\nBury Youth Justice Service's inspection by {HMIP} has been postponed; it was rated outstanding in 2021.", None),
]


@pytest.mark.parametrize("text, want", SWEEP_3, ids=[t.split("\n")[-1][:40] for t, _ in SWEEP_3])
def test_third_sweep(text, want):
    ex = extract(text)
    got = (ex.units[0].rating, ex.units[0].previous_rating) if ex.units and ex.units[0].rating else None
    assert got == want


# A fourth sweep (union and MP statements, staff news, thematics, a verdict in the next sentence):
# 7 of 10 right when first run; one miss is the specific rules' (a past rating read as current,
# reported to the extract helper) and is left out here.
SWEEP_4 = [
 (f"Napo: Bolton staff at breaking point\n\nThe union said staff at Bolton Probation Delivery Unit are at breaking point. {HMIP} found caseloads were too high across England, and the union said the picture in Bolton was no better. It said the service is inadequate for the needs of the town.", None),
 (f"MP raises probation concerns\n\nThe MP for Bury said probation in the town needs to improve. She cited a report by {HMIP} on national caseloads.", None),
 (f"Youth justice chief leaves\n\nThe head of Halton Youth Justice Service is leaving after six years. Under her leadership the service was rated good by {HMIP} in 2022.", None),
 (f"Thematic report names York\n\nA thematic inspection by {HMIP} of work with girls visited York Youth Justice Service, where practice was found to be good.", None),
 (f"Bolton probation office moves\n\nBolton Probation Delivery Unit is moving to a new office. Staff said the old building was inadequate. {HMIP} inspectors noted the move.", None),
 (f"Oldham probation report\n\n{HMIP} has published its report on Oldham Probation Delivery Unit. Inspectors judged the unit to be good, the second-highest of the four ratings.", ("Good", None)),
 (f"Bury youth justice celebrates top rating\n\nIt is official: Bury Youth Justice Service is outstanding. That is the verdict of {HMIP}, which published its report today.", ("Outstanding", None)),
 (f"Halton youth justice inspection\n\nInspectors from {HMIP} have concluded that Halton Youth Justice Service requires improvement.", ("Requires improvement", None)),
 (f"Bolton probation report\n\n{HMIP}: Bolton Probation Delivery Unit - overall, inadequate.", ("Inadequate", None)),
]


@pytest.mark.parametrize("text, want", SWEEP_4, ids=[t.split("\n")[0][:40] for t, _ in SWEEP_4])
def test_fourth_sweep(text, want):
    ex = extract(text)
    got = (ex.units[0].rating, ex.units[0].previous_rating) if ex.units and ex.units[0].rating else None
    assert got == want
