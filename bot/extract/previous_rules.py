"""The phrasings of a previous rating, as named rules (read by `previous.find_previous`)."""

from __future__ import annotations

from bot.extract.rules import rule
from bot.extract.text import DATE, Q, RATING_WORDS

# A past rating's verb; "judged to require improvement" too.
_VERB = r"(?:(?:rated|judged|graded|found|assessed|considered)(?:\s+to\s+be)?|judged\s+to(?=\s+['\"]?requir))"
PREV_RULES = (
    rule("previously-rated",
         r"\b" +
        rf"(?:previously|formerly|after\s+being|having\s+been|when\s+(?:it|they)\s+(?:was|were)|"
        rf"(?:after|since|before)\s+(?:it|they)\s+(?:was|were|had\s+been)|where\s+(?:it|they)\s+(?:was|were))"
        rf"\s+(?:been\s+)?{_VERB}\s+(?:as\s+)?{Q}(?:\s+overall)?(?:,?\s+(?:back\s+)?in\s+(?P<d>{DATE}))?",
         "'previously', 'after being', 'having been' put a rating in the past",
         ["having previously been rated 'Inadequate' in 2020", 'after being rated as requires improvement'],
         ["was rated 'Good' for its work"]),
    rule("also-rated-weak",
         r"\b" +
        rf"(?:and\s+(?:was|were)|were\s+also|was\s+also|also)\s+(?:been\s+)?{_VERB}\s+(?:as\s+)?{Q}(?:\s+overall)?"
        rf"(?:,?\s+(?:back\s+)?in\s+(?P<d>{DATE}))?",
         "'and was rated' says nothing of time alone: used only where a past cue stands by",
         ["it was also found to be 'Inadequate' back in 2019"],
         ['it was rated Good'], needs_past_cue=True),
    rule("rated-at-last-inspection",
         r"\b" +
        rf"{_VERB}\s+(?:as\s+)?{Q}\s+(?:when\s+(?:it|they|we|inspectors|the\s+inspectorate)\s+(?:was\s+|were\s+)?"
        rf"(?:last|previously)\s+(?:inspected|visited)|"
        rf"(?:at|in|during)\s+(?:its|their|the|our)\s+(?:last|previous)\s+inspection)(?:\s+in\s+(?P<d>{DATE}))?",
         'a rating tied to the last inspection is the previous one',
         ['rated good when it was last inspected in 2018', "rated 'Good' at its last inspection"],
         ['rated good at this inspection']),
    rule("last-inspection-it-was-rated",
         r"\b" +
        rf"(?<!since\s)(?:last|previous)\s+(?:inspection\b|inspected\b|visited\b)[^.]{{0,100}}?(?:[;,]|\band\b)?\s*"
        rf"(?:it|they|the\s+\w+|[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){{0,4}})\s+"
        rf"(?:was|were)\s+(?:(?:rated|judged|graded)\s+(?:as\s+)?|given\s+an?\s+(?=['\"]?(?:{RATING_WORDS})['\"]?\s+rating)){Q}",
         "a clause about the last inspection, then 'it was rated'",
         ["At our last inspection of the team in 2021, it was rated 'Good'"],
         ["At this inspection it was rated 'Good'"]),
    rule("when-it-received",
         r"\b" +
         rf"when\s+(?:it|they|the\s+\w+)\s+(?:received|was\s+given|were\s+given|was\s+awarded|got)\s+an?\s+"
         rf"(?:overall\s+)?(?:{Q}\s+rating|(?:rating|grade)\s+of\s+{Q.replace('qq', 'qq2').replace('<r>', '<r2>')})",
         "'when it received a rating' looks back",
         ["when it received a 'Good' rating", "when the service was given an overall rating of 'Inadequate'"],
         ["it received a 'Good' rating"]),
    rule("raised-rating-of-x-from",
         r"\b" +
         rf"(?:raised|lifted|upgraded|improved|lowered|downgraded|cut|dropped)\s+(?:the|its|their)\s+(?:overall\s+)?"
         rf"(?:rating|grade)\s+(?:of|for)\s+[^.'\"]{{3,90}}?\s+from\s+{Q}",
         "'raised the rating of X from A (to B)': A was X's previous rating",
         ["raised the overall rating of the Anytown team from 'Good' to 'Outstanding'"],
         ["raised the rating of the team to 'Good'"]),
    rule("previous-rating-of",
         r"\b" +
         rf"(?:its|their|the|a)\s+(?:previous|last)\s+(?:overall\s+)?(?:rating|grade)\s+(?:of|was|had\s+been|[:–-])\s*{Q}",
         "'their previous rating of X' names the previous rating",
         ["have improved on their previous rating of inadequate", "The previous rating was 'Good'"],
         ["the previous report"]),
    rule("moved-to-from",
         r"\b" +
         rf"(?:downgraded|upgraded|raised|lowered|moved|dropped|fallen|fell|slipped|risen|rose|improved|declined)\s+"
         rf"(?:(?:up|down)\s+)?to\s+['\"]?(?:{RATING_WORDS})['\"]?[.,]?['\"]?\s+from\s+(?:a\s+|an\s+|its\s+|their\s+)?"
         rf"(?:previous\s+)?{Q}",
         "'downgraded to Y from X': X is the previous rating",
         ["was downgraded to 'Requires improvement' from 'Good'"], ["was downgraded to 'Requires improvement'"],
         subject_is_unit=True, mask_from_rating=True),
    rule("last-time-it-was-rated",
         r"\b" +
         rf"(?:(?:the\s+)?last\s+time|on\s+its\s+last\s+visit|before\s+that),?[^.]{{0,40}}?\b(?:it|they|the\s+\w+)\s+"
         rf"(?:was|were|had\s+been)\s+(?:rated|judged|graded)\s+(?:as\s+)?{Q}",
         "'Last time, it was rated X': the previous rating",
         ["Last time, in 2021, it was rated 'Inadequate'."], ["This time it was rated 'Good'."]),
    rule("rated-in-its-year-inspection",
         r"\b" +
         rf"{_VERB}\s+(?:as\s+)?{Q},?\s+(?:in|at|after|following)\s+(?:its|their|the|an?)\s+(?P<d>{DATE})\s+"
         rf"(?:inspection|report|visit)",
         "a rating dated by a past year's inspection ('rated Good in its 2022 inspection')",
         ["The unit was rated 'Good' in its 2022 inspection."], ["The unit was rated 'Good' in its inspection."]),
    rule("years-ago",
         r"\b" +
         rf"(?:(?:two|three|four|five|six|seven|\d+)\s+years|a\s+year|(?:\w+\s+)?months)\s+ago,?\s+"
         rf"(?:(?!\b(?:now|currently|today|this\s+time|latest|new)\b)[^.,;]){{0,80}}?"
         rf"\b(?:rated|judged|graded|found|assessed|deemed|considered)\s+(?:(?:it|them|the\s+\w+)\s+)?"
         rf"(?:to\s+be\s+|as\s+)?{Q}",
         "a rating dated some years ago is the previous one",
         ["Two years ago, inspectors found the team to be 'good' overall"], ["inspectors found the team to be good"]),
    rule("dated-report-rated-it",
         r"\b" +
         rf"(?:an?|the)\s+(?:\w+\s+)?(?:report|inspection)\s+(?:published\s+|carried\s+out\s+)?in\s+(?P<d>{DATE})\b"
         rf"[^.;]{{0,120}}?\b(?:rated|judged|graded|found|deemed|considered)\s+(?:it|them|the\s+\w+)\s+"
         rf"(?:to\s+be\s+|as\s+)?{Q}",
         "a report dated in a past year, and what it found: an earlier rating",
         ["A report published in 2019 of the team deemed it to be inadequate"],
         ["The report deemed it to be inadequate"]),
    rule("when-we-rated-it",
         r"\b" +
        rf"when\s+(?:we|inspectors|the\s+inspectorate)\s+[^.]{{0,80}}?\b(?:rated|judged|graded)\s+"
        rf"(?:it|them|the\s+\w+)\s+(?:as\s+)?{Q}",
         "'when we last inspected ..., we rated it' looks back",
         ["when we last inspected the service in 2018, we rated it 'Good'"],
         ["we rated it 'Good'"]),
    rule("in-year-x-received",
         r"\b" +
        rf"^in\s+(?P<d>{DATE}),?\s[^.]{{0,160}}?\b(?:received|was\s+given|got|was\s+rated|were\s+rated)\s+"
        rf"(?:an?\s+|as\s+)?(?:(?:overall\s+)?rating\s+of\s+)?{Q}",
         'a sentence opening with a past year',
         ["In 2018, the service, as it was then known, received an 'Inadequate' rating"],
         ["Today the service received an 'Inadequate' rating"]),
    rule("inspected-in-year-and-rated",
         r"\b" +
        rf"(?:inspected|visited)\s+(?:in\s+(?P<d>{DATE})|last\s+year|earlier\s+this\s+year),?\s+(?:and\s+)?"
        rf"(?:was\s+|were\s+)?(?:rated|judged|graded)\s+(?:it\s+)?(?:as\s+)?{Q}",
         'inspected at a past date and rated then',
         ["which we inspected in May 2018 and rated 'Good'", 'inspected last year, was rated outstanding'],
         ["inspected and rated 'Good'"]),
    rule("the-rating-it-received",
         r"\b" +
        rf"(?:the|its|their|an?)\s+{Q}\s+rating\s+(?:it|they|the\s+\w+)\s+(?:received|was\s+given|were\s+given|got|had|"
        rf"achieved|earned|was\s+awarded)"
        rf"(?:\s+in\s+(?P<d>{DATE}))?",
         "'the X rating it received' refers back to an earlier rating",
         ["improving on the 'Requires improvement' rating it received in 2020"],
         ["the 'Good' rating inspectors gave"]),
    rule("rated-when-inspected-in",
         r"\b" +
        rf"{_VERB}\s+(?:as\s+)?{Q}\s+when\s+(?:it|they|we|inspectors)\s+(?:was\s+|were\s+)?inspected(?:\s+it|\s+them)?"
        rf"\s+in\s+(?P<d>{DATE})",
         'a rating dated by an earlier inspection',
         ["which was rated 'Good' when it was inspected in 2021"],
         ["rated 'Good' when inspected"]),
    rule("last-or-currently-rated",
         r"\b" +
        rf"(?:last|previously|currently|presently)\s+rated\s+(?:(?:it|them|the\s+\w+|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){{0,4}})\s+)?"
        rf"(?:as\s+)?{Q}",
         "'last rated', 'currently rated' report the standing rating",
         ["We last rated the area 'Requires improvement'", "currently rated 'Good'"],
         ["rated 'Good' last"]),
    rule("in-its-year-inspection",
         r"\b" +
        rf"in\s+(?:its|their|the|our)\s+(?P<d>{DATE})\s+inspection,?\s+[^.]{{0,120}}?\b(?:received|was\s+given|"
        rf"was\s+rated|were\s+rated)\s+(?:an?\s+|as\s+)?(?:(?:overall\s+)?rating\s+of\s+)?{Q}",
         "'in its 2018 inspection' dates the rating",
         ["In its 2017 inspection, the team received an overall rating of 'Good'"],
         ["In this inspection, the team received a rating of 'Good'"]),
    rule("in-year-inspectors-found",
         r"\b" +
        rf"^in\s+(?P<d>{DATE}),?\s+(?:we|inspectors|the\s+inspectorate)\s+(?:found|judged|rated)\s+[^.]{{0,80}}?"
        rf"(?:to\s+be\s+|as\s+)?{Q}",
         'a past year, then what inspectors found',
         ["In 2019, inspectors found the service to be 'Inadequate'"],
         ["Inspectors found the service to be 'Inadequate'"]),
    rule("rating-awarded-in-year",
         r"\b" +
        rf"(?:the|its|their|an?)\s+{Q}\s+(?:rating|grade)\s+(?:awarded|given|received|achieved|earned)\s+"
        rf"(?:to\s+(?:it|them|the\s+\w+)\s+)?in\s+(?P<d>{DATE})",
         'a rating awarded at a past date',
         ["a decline from the 'Good' rating awarded to the team in 2020"],
         ["the 'Good' rating awarded today"]),
    rule("last-inspected-rated-in-brackets",
         r"\b" +
        rf"(?:last|previously)\s+inspected\b[^.()]{{0,60}}?\(\s*rated\s+(?:as\s+)?{Q}\s*\)",
         "a bracketed rating after 'last inspected'",
         ["was last inspected in June 2022 (rated 'Inadequate')"],
         ["was inspected (rated 'Inadequate')"]),
    rule("headline-from-x-to",
         r"\b" +
        rf"^from\s+{Q}\s+to\s+(?=['\"]?(?:{RATING_WORDS}))",
         "a headline 'From X to Y' gives the old rating first",
         ["From 'Inadequate' to 'Good': a turnaround"],
         ['From today, services must be good']),
    rule("rating-at-previous-inspection",
         r"\b" +
        rf"(?:the|an?|its|their)\s+(?:overall\s+)?(?:rating\s+of\s+)?{Q}(?:\s+rating(?:\s+(?:given|received|awarded)"
        rf"(?:\s+to\s+it)?)?)?\s+(?:at|in|during)\s+"
        rf"(?:its|their|the|our)\s+(?:previous|last)\s+inspection(?:\s+in\s+(?P<d>{DATE}))?",
         'a rating given at the previous inspection',
         ["This follows an overall rating of 'Good' at its previous inspection in 2019"],
         ["an overall rating of 'Good' at this inspection"]),
    rule("last-visited-and-rated-it",
         r"\b" +
        rf"(?:last|previously)\s+(?:inspected|visited)\b[^.]{{0,80}}?(?:\band|,)\s+(?:we\s+|inspectors\s+)?"
        rf"(?:rated|judged|graded)\s+(?:it|them)\s+(?:as\s+)?{Q}",
         "'last visited ... and rated it'",
         ["Inspectors last visited the unit in 2021 and rated it 'Inadequate'"],
         ["Inspectors visited the unit and rated it 'Inadequate'"]),
    rule("since-inspectors-found",
         r"\b" +
        rf"(?:after|since|before)\s+(?:inspectors|we|the\s+inspectorate)\s+(?:found|judged|rated)\s+"
        rf"(?:it|them|the\s+\w+)\s+(?:to\s+be\s+|as\s+)?{Q}",
         "'after inspectors found it' refers back",
         ['two years after inspectors found the service required improvement'],
         ['inspectors found the service required improvement']),
    rule("since-it-required-improvement",
         r"\b" +
        rf"(?:after|since|before)\s+(?:it|they|the\s+\w+)\s+(?={RATING_WORDS[RATING_WORDS.index('requir'):]}){Q}",
         "'after it required improvement' refers back",
         ['three years after it required improvement'],
         ['it required improvement']),
    rule("following-a-previous-rating",
         r"\b" +
        rf"(?:following|follows|followed|after|from)\s+(?:a|an|its|their|the)\s+previous\s+(?:overall\s+)?"
        rf"(?:rating\s+of\s+)?{Q}(?:\s+rating)?(?:\s+in\s+(?P<d>{DATE}))?",
         "'following a previous rating'",
         ["following a previous 'Inadequate' rating in May 2022"],
         ["following an 'Inadequate' rating"]),
    rule("last-inspected-where-received",
         r"\b" +
        rf"last\s+inspect(?:ed|ion)\b[^.]{{0,80}}?(?:where|when|and)\s+(?:it|they)?\s*(?:was\s+|were\s+)?"
        rf"(?:received|given|awarded|achieved)\s+an?\s+(?:overall\s+)?rating\s+of\s+{Q}",
         "'last inspected ... where it received'",
         ["last inspected in 2021 where it received an overall rating of 'Good'"],
         ["it received an overall rating of 'Good'"]),
    rule("rated-in-year",
         r"\b" +
        rf"{_VERB}\s+(?:as\s+)?{Q},?\s+(?:back\s+)?(?:in\s+(?P<d>{DATE})\b|last\s+year|earlier\s+this\s+year|"
        rf"(?:(?:two|three|four|five|six|\d+)\s+years|a\s+year|(?:\w+\s+)?months)\s+ago)",
         'a rating dated in the past',
         ["rated 'Inadequate' in 2018", "found to be 'Inadequate' back in May 2021"],
         ["rated 'Inadequate' in its report"]),
    rule("rating-in-year",
         r"\b" +
        rf"(?:an?|the|its|their)\s+(?:overall\s+)?{Q}\s+rating\s+(?:back\s+)?in\s+(?P<d>{DATE})\b",
         "'an X rating in 2018'",
         ["which received an 'Inadequate' rating in 2017"],
         ["which received an 'Inadequate' rating"]),
    rule("moved-from",
         r"\b" +
        rf"(?:improved|moved|gone|risen|rose|climbed|dropped|fallen|fell|slipped|declined|jumped|leapt|leaped|"
        rf"downgraded|upgraded|up|down)\s+(?:(?:its|their|the)\s+(?:overall\s+)?rating\s+)?(?:(?:up|down)\s+)?"
        rf"(?:(?:one|two|three|a)\s+(?:grades?|levels?|places?),?\s+)?from\s+"
        rf"(?:a|an|its|their|the)?\s*(?:previous\s+)?{Q}"
        rf"(?:\s+rating)?(?:\s+(?:in|at)\s+(?:(?:its|their|the)\s+(?:last|previous)\s+inspection\s+in\s+)?(?P<d>{DATE}))?",
         "'improved from X (to Y)', 'up from X': X is the previous rating",
         ["improved from 'Requires improvement' to 'Good'", "up from 'Inadequate'"],
         ['improved its work with victims'], subject_is_unit=True),
)
