"""What kind of text this is: an inspection report, or another publication that only cites ratings."""

from __future__ import annotations

import re

from bot.extract.claims import by_another_body
from bot.extract.rules import rule
from bot.extract.text import Sentence
from bot.extract.units import Unit, find_bare, find_mentions

NO_RATING = rule(
    "says-no-rating-given",
    r"(?:does|do|will)\s+not\s+(?:give|award|produce|include|result\s+in|receive)\s+(?:an?\s+|any\s+)?(?:published\s+)?"
    r"(?:overall\s+)?ratings?|\b(?:inspections?|reviews?|these|they|it)\s+(?:are|is)\s+not\s+(?:graded|rated)\b|"
    r"\bungraded\b|\bunrated\b"
    r"|\bgives?\s+no\s+(?:overall\s+)?ratings?|\bno\s+(?:overall\s+)?ratings?\s+(?:is|are)\s+given"
    r"|\bno\s+grades?\b|\bnot\s+graded\b|joint\s+targeted\s+area\s+inspection|\bjtai\b",
    "an inspection that says it gives no rating is rated only where a named unit's rating is stated",
    ["This inspection does not give a rating.", "These reviews are not rated."], ["The unit was rated 'Good'."])
REPORTS_ON = rule(
    "reports-on-several",
    r"\b(?:published\s+(?:its\s+)?reports?\s+on|reports?\s+on\s+(?:the\s+)?(?:inspections?\s+of|\w+\s+"
    r"(?:youth|probation))|inspections?\s+of\s+(?:two|three|four|several))\b",
    "a release on several inspections gives each unit's rating in brackets",
    ["We have published reports on the inspections of three services"], ["the report on its work"])
OTHER_PUBLICATION = rule(
    "other-publication-headline",
    r"\bannual\s+report|effective\s+practice|\bthematic\b|\bguide\b|\bbulletin\b|\bresearch\b|"
    r"^blog\b|\bconsultation\b|inspection\s+programme|spotlight\s+review|\bappoint|\bjoins\b|"
    r"\bvacanc|\brecruit|academic\s+insights|\bstandards\s+(?:review|framework)|\bspeech\b|"
    r"\bstatement\b|\bresponds?\s+to\b|\bresponse\s+to\b|dynamic\s+inspection|public\s+protection\s+inspection|"
    r"quality\s+(?:&|and)\s+impact|action\s+plan|\banalysis\b|short\s+quality\s+screening|"
    r"inspection\s+of\s+adult\s+offending\s+work|\bannounc|\bround-?up\b|year\s+in\s+review|review\s+of\s+the\s+year|"
    r"league\s+table|\bnewsletter\b|\bin\s+brief\b|\bdigest\b|\bfarewell\b|\bpodcast\b|\bwebinar\b|"
    r"youth\s+justice\s+plan|improvement\s+plan|progress\s+(?:report|update)|\bupdate\s+on\b|"
    r"report\s+of\s+the\s+(?:director|head|chief\s+executive)|performance\s+paper",
    "headlines of publications that are not reports of one inspection, though they cite ratings",
    ["Annual report 2024", "Inspection round-up: May", "Our year in review", "A farewell from the Chief Inspector",
     "Youth Justice Plan 2024-25", "Progress update: probation inspection", "Board - regional performance paper"],
    ["Anytown PDU rated 'Good'", "Anytown YOT praised for its performance"])
# Kinds that never report the inspection itself, even when their headline names the unit: a plan
# or progress report written after it, and the pre-2018 programmes that gave no overall rating.
LATER_OR_UNRATED = rule(
    "plan-or-unrated-programme",
    r"\baction\s+plan|youth\s+justice\s+plan|improvement\s+plan|progress\s+(?:report|update)|"
    r"quality\s+(?:&|and)\s+impact|full\s+joint\s+(?:re-?)?inspection|inspection\s+data\b",
    "a plan or update after an inspection, or a programme that gave no overall rating",
    ["Wirral PDU: our action plan following inspection", "Quality & Impact inspection: Anytown"],
    ["Anytown PDU rated 'Good' following inspection"])
LEAD_PUBLICATION = rule(
    "other-publication-lead",
    r"\b(?:annual\s+report|thematic\s+(?:inspection|review|report)|spotlight\s+review|effective\s+practice|"
    r"league\s+table|(?:in|use|with|through)\s+this\s+(?:blog(?:\s+post)?|post|feature|piece)|analy[sz]ed\s+the\s+results|our\s+data\s+team|"
    r"quality\s+(?:&|and)\s+impact|lists?\s+the\s+(?:latest\s+|current\s+|recent\s+)?[^.]{0,60}\bratings)\b",
    "a lead that presents an annual report or a thematic review",
    ["Today we publish our annual report.", "In this effective practice feature, we look at",
     "I want to use this post to share", "The table lists the latest inspection ratings for the region's services"],
    ["Today we publish our report on Anytown PDU.", "The report lists ten recommendations"])
JOB_FIELDS = rule(
    "job-advert-fields",
    r"^\s*(?:salary|closing\s+date|how\s+to\s+apply|job\s+reference|grade|contract\s+type)\b\s*:?",
    "a job advert: its fields, not its headline, give it away",
    ["Salary: £30,000", "Closing date: 1 May"], ["The salary was low."], flags=re.I | re.M)

# --- a rated inspection whose text does not give the rating ----------------------------------------

_INSPECTED = rule(
    "inspection-of-unit",
    r"\b(?:follow(?:ing|s)?\s+(?:an?\s+|the\s+|its\s+)?(?:recent\s+)?inspection|inspection\s+(?:report\s+)?(?:on|of|into)|"
    r"inspectors?\s+(?:from\s+[^.]{0,60}?\s+)?(?:visited|inspected)|(?:report|inspection)\s+(?:by|from)\s+"
    r"(?:his|her|hm)\b)",
    "a unit named beside an inspection of it: the text reports that inspection",
    ["following an inspection by HM Inspectorate of Probation", "Inspectors from the inspectorate visited the service"],
    ["an inspection programme for next year"])
_PROBATION_INSPECTORATE = re.compile(r"inspectorate\s+of\s+probation|hmi\s+probation|chief\s+inspector\s+of\s+probation",
                                     re.I)
_FINDINGS = re.compile(r"\breport\s+makes\s+\w+\s+recommendations|\brecommendations?\b|\binspectors\s+found\b|"
                       r"\b(?:rated|judged)\s+as\b|\bstandards?\b|\bcategories\b", re.I)
RATED_TYPES = ("PDU", "YJS", "region")
# The frameworks before 2018 judged areas 'satisfactory' or 'poor' in full joint inspections.
_OLD_FRAMEWORK = re.compile(r"\bfull\s+joint\s+(?:re-?)?inspections?\b|\b(?:was|were|is|as)\s+satisfactory\b", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


def unstated_rating_unit(sents: list[Sentence], body: str) -> Unit | None:
    """The one unit whose HMI Probation inspection the text reports without its rating, if any.

    A release or story cut short, or one that gives only standard-level ratings: the inspection is
    rated, the rating is not in the text, so it is an inspection with rating null (issue 10).
    """
    if NO_RATING.search(body) or not _PROBATION_INSPECTORATE.search(body) or not _FINDINGS.search(body):
        return None
    if _OLD_FRAMEWORK.search(body) or max((int(y) for y in _YEAR.findall(body)), default=9999) < 2018:
        return None  # inspections before the four-point ratings (2018) had no overall rating to give
    for s in sents[:4]:
        if s.in_notes or by_another_body(s.text) or not _INSPECTED.search(s.text + " " + s.title):
            continue
        units = {m.unit for m in find_mentions(s.text) if m.unit.type in RATED_TYPES}
        if len(units) == 1:
            return units.pop()
    return None


INSPECTED_BY_HMIP = rule(
    "x-was-inspected-by-hmi-probation",
    r"\b(?:was|were|has\s+been|had\s+been)\s+inspected\s+by\s+(?:his|her|hm|the)\b[^.]{0,40}?"
    r"inspectorate\s+of\s+probation",
    "a unit 'inspected by HM Inspectorate of Probation': its inspection is reported, rated or not",
    ["The Anytown service was inspected by HM Inspectorate of Probation last year."],
    ["The prison was inspected by HM Inspectorate of Prisons."])


def inspected_units(sents: list[Sentence]) -> list[tuple[Unit, int]]:
    """Units the text says HMI Probation inspected, with where it says so."""
    out = []
    for s in sents:
        m = INSPECTED_BY_HMIP.search(s.text)
        if m and not s.in_notes:
            head = s.text[: m.start()]
            found = find_mentions(head) or find_bare(head, s.context)
            if found and re.fullmatch(r"\s*(?:['’]s\s+)?(?:(?:youth|probation)\s+)?(?:service|team|unit)?\s*,?\s*",
                                      head[found[-1].end:], re.I):
                out.append((found[-1].unit, s.start))
    return out
