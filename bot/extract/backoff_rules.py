"""The backoff reader's pieces: rating expressions, overall-rating cues and blockers, as named rules.

Each piece is generic (no unit, date or sentence of a corpus): the reader in `backoff.py` composes
them per sentence, so a new wording of one piece ("the bottom mark on the scale") works with every
subject and cue the others already know.
"""

from __future__ import annotations

import re

from bot.extract.rules import rule

_SCALE_NOUN = r"(?:overall\s+)?(?:rating|grade|judgement|verdict|mark|band|category|point|tier|rung)s?"
_OF_SCALE = (r"(?:\s+(?:possible|available|awarded|given|open\s+to\s+(?:it|them|inspectors)))?"
             r"(?:\s+(?:on|of)\s+(?:the|its|their|a)\s+(?:(?:four|4)[-\s]point\s+)?scale)?")
# "the lowest of its four ratings", "the second-lowest of the four rating bands"
_OF_FOUR = rf"\s+of\s+(?:the|its|their)\s+(?:(?:four|4)\s+)?(?:possible\s+)?(?:[\w-]+\s+){{0,2}}?{_SCALE_NOUN}"
_POSITION = (r"(?P<pos>second[-\s]+(?:lowest|highest|from\s+(?:the\s+)?(?:bottom|top))|lowest|bottom|worst|"
             r"highest|top|best)")

SCALE_POSITION = rule(
    "backoff-scale-position",
    rf"\bthe\s+(?:very\s+)?{_POSITION}(?:\s+(?:possible|available))?"
    rf"(?:\s+(?:[\w-]+\s+)?{_SCALE_NOUN}{_OF_SCALE}|{_OF_FOUR}{_OF_SCALE})",
    "a place on the four-point scale is a rating: lowest = Inadequate, second-lowest = Requires "
    "improvement, second-highest = Good, highest = Outstanding",
    ["handed the lowest possible grade", "the highest grade available", "the lowest of their four ratings",
     "the second-lowest of the four rating bands", "the bottom mark on the scale",
     "the top point on the four-point scale", "the second-lowest rating available", "in the bottom tier"],
    ["the highest scores seen in recent inspections", "the lowest level of risk", "top of the agenda"])

ONE_STEP = rule(
    "backoff-one-step-from",
    r"\b(?:one|a)\s+(?:grade|step|notch|rung|rating|band)\s+(?P<dir>below|under|short\s+of|above|up\s+from|down\s+from)"
    r"\s+(?:the\s+(?P<end>top|highest|bottom|lowest)(?:\s+\w+)?|['\"]?(?P<w>outstanding|good|inadequate|"
    r"requir(?:es|ing)\s+improvement)['\"]?)",
    "'one grade below outstanding' is Good: a step from a named point of the scale",
    ["one grade below outstanding", "one step short of the top rating", "a grade above 'Inadequate'"],
    ["one of the best services"])

# The four ratings as words. A quoted or capitalised rating is one anywhere; a lower-case one only
# as a predicate (after rated/judged/is/still/as ...) and at a clause's end or before 'overall'.
_WORD = r"outstanding|good|inadequate|requir(?:es|e|ing|ed)\s+improvement"
RATING_WORD = rule(
    "backoff-rating-word",
    rf"(?P<q>['\"‘“])(?P<w>{_WORD})[.,!]?['\"’”]|(?-i:\b(?P<cap>Outstanding|Good|Inadequate|"
    rf"Requir(?:es|ing)\s+[Ii]mprovement|REQUIRES\s+IMPROVEMENT|INADEQUATE|OUTSTANDING|GOOD))\b",
    "a quoted or capitalised rating word names a rating wherever it stands",
    ["rated 'Good'", "the verdict was Requires Improvement", "scored ‘Inadequate’"],
    ["good work", "outstanding cases"], flags=re.IGNORECASE)
PREDICATE_WORD = rule(
    "backoff-predicate-word",
    rf"\b(?:rated|judged|graded|found|deemed|assessed|considered|is|are|was|were|remains?|still|be|been|as|"
    rf"now|verdict|judgement|grade|rating|overall[,:])\s+(?:(?:it|them)\s+)?(?:(?:as|to\s+be|still|now|overall|again|at|of)\s+)*"
    rf"(?P<w>{_WORD})(?=\s*(?:$|[.,;:!?)–-]|\s(?:overall|by|after|following|say|says|said|according|in\s+(?:a|the|its)\s+"
    rf"(?:report|inspection)|for\s+the\s+(?:first|second|third)|previously|before|earlier|then|again|too|also|"
    rf"at\s+(?:its|the|their)\s+(?:last|previous|first)|at\s+(?:its|the)\s+(?:latest|recent)|today|this)\b))",
    "a lower-case rating is one as a predicate of the unit: 'judged inadequate', 'is still inadequate'",
    ["have been judged inadequate by the probation inspectorate", "are still inadequate, say inspectors",
     "to be good overall", "rated outstanding by inspectors", "Anytown PDU - overall, inadequate."],
    ["found good practice", "is good at engaging children", "was good to see"])
ATTRIBUTIVE_WORD = rule(
    "backoff-attributive-word",
    rf"\b(?:an?|its|their|the)\s+(?P<w>{_WORD})\s+(?:overall\s+)?(?:rating|grade|judgement|verdict)\b",
    "'a good rating', 'an inadequate verdict': the word before a rating noun is the rating",
    ["earned a good rating from inspectors", "handed an inadequate verdict"], ["a good report", "good ratings data"])
MOVED_TO = rule(
    "backoff-moved-to",
    rf"\b(?:upgraded|downgraded|raised|lowered|moved|marked|promoted|demoted|dropped|fallen|fell|slipped|climbed|"
    rf"risen|rose|improved|declined)\b[^.;]{{0,80}}?\bto\s+['\"‘“]?(?P<w>{_WORD})\b",
    "'upgraded X to good', 'has dropped a grade to requires improvement': where the unit moved to",
    ["has upgraded the service to good", "dropped a grade to requires improvement"],
    ["moved to new offices", "improved to a good standard of work"])
IMPROVE_PHRASE = rule(
    "backoff-needs-to-improve",
    r"\b(?:(?:needs?\s+|told\s+(?:it\s+|they\s+)?(?:needs?\s+|has\s+|have\s+|must\s+)?)to|must)\s+improve"
    r"(?=\s*(?:$|[.,;:!?–-]|\s(?:after|following|say|says|said|according|inspectors|the\s+watchdog)\b))",
    "'needs to improve' / 'told to improve' as a verdict is the 'Requires improvement' rating",
    ["Probation in Anytown needs to improve, watchdog says", "has been told it needs to improve after a visit",
     "told to improve."], ["needs to improve its assessments", "must improve how it plans"])

CUE = rule(
    "backoff-overall-cue",
    r"\b(?:rated|ratings?|grades?|graded|judgement|judged|verdict|given|handed|awarded|received|overall|"
    r"inspectors?|inspectorate|watchdog|placed|deemed|found|assessed|scale|bands?|outcome|result|inspection)\b",
    "words that tell a rating is the inspectors' overall judgement of the unit",
    ["inspectors judged", "the verdict was", "the inspection outcome"], ["the weather was good"])

VERDICT = rule(
    "backoff-verdict-cue",
    r"\b(?:overall\s+(?:judgement|rating|grade|verdict|outcome)|(?:inspectors?['’]?|inspectorate['’]s)\s+(?:overall\s+)?"
    r"(?:verdict|judgement|rating|grade)|(?:the|its|their)\s+verdict\s+(?:was|is)|inspection\s+outcome)\b",
    "the inspectors' verdict as such: a subject of its own, so no unit need be named in the sentence",
    ["The overall judgement of the inspectors was Good", "the inspectors' verdict was 'Outstanding'"],
    ["inspectors found good work"])

THAT_IS_THE_VERDICT = rule(
    "backoff-that-is-the-verdict",
    r"^\W*(?:that|this|it)(?:\s+is|\s+was|['’]s)\s+(?:the\s+)?(?:\w+\s+)?(?:verdict|judgement|rating|grade|finding|conclusion)\b",
    "'X is outstanding. That is the verdict of the inspectorate': the next sentence gives the cue",
    ["That is the verdict of the inspectorate.", "This was the overall judgement of inspectors."],
    ["That is the view of staff, who"])

# --- blockers ---------------------------------------------------------------------------------------

FUTURE = rule(
    "backoff-future",
    r"\b(?:deserves?|deserved|deserving|worthy|ought|will|shall|going\s+to|'ll|hopes?|hoped|wants?|wanted|aims?|aiming|target|ambition|plans?\s+to|"
    r"next\s+inspection|when\s+inspectors\s+return|this\s+time|next\s+time|forecast|expects?)\b",
    "a rating tied to the future or an aim is no current rating",
    ["Managers hope it will be judged good this time", "aims to reach the top grade"],
    ["It was judged good"])
NEGATION = rule(
    "backoff-negation",
    r"\b(?:no|none|neither|nor|nothing|yet|not|never|avoid\w*|escap\w*|without|fail(?:ed|s)?\s+to)\b|n't\b",
    "a negated rating ('no unit has yet been rated', 'avoided the lowest grade') is no rating given",
    ["No unit in the region has yet been rated outstanding", "it avoided the lowest grade"],
    ["The unit was rated good"])
SUB_RATING = rule(
    "backoff-sub-rating",
    r"\b(?:\w+|\d+)\s+of\s+(?:the\s+|its\s+)?(?:\w+|\d+)\s+(?:standards|domains|areas|aspects|categories)\b|"
    r"\bstandards?\b|\baspects?\b|\bdomains?\b|\bin\s+(?:\w+\s+){0,3}areas\b|\bsub-?ratings?\b|"
    r"\bfor\s+(?:its\s+|their\s+)?(?:leadership|partnerships?|staffing|services\s+and|information|case|work\s+with|"
    r"assessment|planning|implementation|reviewing|court|resettlement|out-of-court|governance|safety|"
    r"diversity|organisational)|(?:['’]s|\bits|\btheir)\s+(?:leadership|casework|case\s+work|management|partnership|"
    r"assessment|planning|staffing|court\s+work|resettlement|governance|work\s+(?:on|with|in))",
    "a standard-level or aspect rating is no overall rating",
    ["three of the 12 standards were inadequate", "rated good for leadership", "inadequate in most areas"],
    ["rated good overall"])
PASSING = rule(
    "backoff-in-passing",
    r"(?:\b(?:which|that|who)\s+(?:was|is|were|are|has\s+been|have\s+been|had\s+been)\s+(?:\w+\s+)?|,\s*)"
    r"(?:rated|judged|graded)\s+(?:as\s+)?['\"‘“]?$|\b(?:currently|presently)\b",
    "a rating in a which-clause or an aside ('X PDU, currently rated Y,') describes the unit in passing",
    ["supervised by the unit, which was rated ", "the unit, currently rated "], ["the unit was rated "])
PAST = rule(
    "backoff-past",
    r"\b(?:previous(?:ly)?|last|earlier|prior|before|once|had\s+been|used\s+to|(?:in|since)\s+(?:19|20)\d\d)\b",
    "a rating in a clause about an earlier inspection is the previous rating",
    ["at its previous inspection", "had been rated requires improvement", "the rating it received in 2019"],
    ["in its latest inspection"])
FROM_BEFORE = rule(
    "backoff-from",
    r"\b(?:up|down|rise|climb|fall|drop|slip|move|improvement|increase|decline)?\s*(?:\w+\s+(?:grades?|places?|levels?)\s+)?"
    r"from\s+(?:(?:the|its|their|a|an)\s+)?$",
    "'up from X', 'a fall from the X rating': X is where the unit was before",
    ["up from ", "a fall from the ", "up two grades from the "], ["away "])
SAME = rule(
    "backoff-same-as-last",
    r"\bremain(?:s|ed)?\s+(?:rated\s+|judged\s+|at\s+)?['\"‘“]?(?:outstanding|good|inadequate|requir)|"
    r"\bthe\s+same\s+as\s+(?:last\s+time|(?:at\s+|in\s+)?(?:its|their|the)\s+(?:last|previous))|"
    r"\bsame\s+(?:overall\s+)?(?:rating|grade|judgement|verdict)\s+(?:as|that)\s+(?:it\s+(?:received|got|had)\s+)?"
    r"(?:at\s+|in\s+)?(?:its|their|the)\s+(?:last|previous)|\b(?:kept|retained|held\s+on\s+to|maintained|keeps|retains)\s+"
    r"(?:its|their)\s+(?:\w+\s+)?(?:rating|grade)\b(?![^.]{0,30}\bfor\b)",
    "'the same rating as at its last inspection': the previous rating equals the current one",
    ["the same rating as at its last inspection", "has kept its rating", "a good rating, the same as last time",
     "Anytown PDU remains inadequate"], ["the same team as last year"])
FIRST = rule(
    "backoff-first-inspection",
    r"\b(?:inspected|rated|judged|graded|assessed)\s+for\s+the\s+(?:very\s+)?first\s+time\b|"
    r"\b(?:its|their)\s+(?:first[-\s]ever|maiden|inaugural)\s+inspection\b",
    "'inspected for the first time': a first inspection, so the direction is 'new'",
    ["was inspected for the first time this spring", "in its first-ever inspection"],
    ["the first time she has recommended", "the first inspection under our new methodology"])
