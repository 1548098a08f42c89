"""Whether a rating the text names is asserted, and by HMI Probation: the filters every claim passes."""

from __future__ import annotations

import re

from bot.extract.rules import rule

# Other inspectorates' ratings never count, however close a youth offending team is named.
OTHER_BODY = rule(
    "another-inspectorate",
    r"\b(?:ofsted|hmicfrs|hmic|cqc|care\s+quality\s+commission|estyn|care\s+inspectorate(?:\s+wales)?|ciw|"
    r"(?:hm|his\s+majesty's|her\s+majesty's)\s+inspectorate\s+of\s+(?:prisons|constabulary)|hmi\s+prisons|"
    r"inspectorate\s+of\s+constabulary|police\s+inspectorate|prisons?\s+inspectorate|fire\s+and\s+rescue\s+services)\b",
    "a rating given by another inspectorate is not HMI Probation's",
    ["Ofsted rated the children's services 'Outstanding'", "HM Inspectorate of Prisons found the jail 'Good'"],
    ["HM Inspectorate of Probation rated the team 'Good'"])
_PROBATION = rule(
    "hmi-probation-named",
    r"\b(?:inspectorate\s+of\s+probation|hmi\s+probation|hmip\s+probation|probation\s+inspectorate|"
    r"chief\s+inspector\s+of\s+probation|joint\s+inspection)\b",
    "HMI Probation (alone or in a joint inspection) is named as the inspector",
    ["by HM Inspectorate of Probation", "a joint inspection led by"], ["HM Inspectorate of Prisons"])
# "HMIP" names either inspectorate: prison words beside it make it the prisons one.
_HMIP_PRISONS = rule(
    "hmip-means-prisons",
    r"\bhmip\b(?=[^.]{0,200}\b(?:prison|jail|gaol|young\s+offender\s+institution|yoi|secure\s+training\s+centre|"
    r"inmates?|cells?)\b)|\b(?:prison|jail|gaol|yoi|inmates?)\b[^.]{0,200}\bhmip\b",
    "'HMIP' with prison words around it is HM Inspectorate of Prisons",
    ["HMIP said the jail's cells were dirty", "The prison was rated 'Poor' by HMIP"],
    ["HMIP rated the probation unit 'Good'"])


def by_another_body(sentence: str) -> bool:
    """True when the sentence gives the rating as another inspectorate's."""
    if _PROBATION.search(sentence):
        return False
    return bool(OTHER_BODY.search(sentence) or _HMIP_PRISONS.search(sentence))


# Children's services and social care are inspected by Ofsted and the CQC: a rating given to them is
# never a youth justice service's or a probation unit's, whatever unit the place name resolves to.
OTHER_SERVICE = rule(
    "other-service-rated",
    r"\bchildren['’]?s['’]?\s+(?:services?|social\s+care)\b[^,;:.()]{0,40}$|"
    r"\b(?:adult\s+)?social\s+care(?:\s+services?)?\b[^,;:.()]{0,40}$|"
    r"\b(?:(?:nhs|health|hospitals?|ambulance|foundation)\s+trust|hospitals?|care\s+homes?|police\s+force)\b"
    r"[^,;:.()]{0,40}$",
    "a rating of children's services, social care, a health trust, hospital or police force is another "
    "inspectorate's",
    ["Anytown children's services rated ", "the council's children's social care was judged ",
     "Its adult social care has been rated ", "Mental health trust told it "],
    ["Anytown youth justice service, part of children's services, was rated ", "Anytown YOT was rated ",
     "Anytown probation trust was rated "])


def of_another_service(clause_before: str) -> bool:
    """True when the thing rated is a service another inspectorate rates, not a YJS or PDU."""
    return bool(OTHER_SERVICE.search(clause_before[-120:]))


NOT_ASSERTED = rule(
    "not-asserted",
    r"(?:\b(?:not|never|no\s+longer|could|would|might|should|must|(?-i:may)|aim(?:s|ing)?|hop(?:e|es|ing)|"
    r"wants?|wanting|expect(?:s|ed|ing)?|likely\s+to|bid\s+to|sights\s+on|determined\s+to|determination|plans?\s+to|planning\s+to|intends?\s+to|"
    r"striv(?:e|es|ing)|working\s+towards?|push(?:es|ing)?\s+(?:for|to)|goal\s+(?:is|of)|ambition|target|"
    r"claim(?:s|ed)?|rumou?r(?:s|ed)?|alleg(?:e|es|ed)|speculat\w*|predict(?:s|ed)?|fear(?:s|ed)?|"
    r"at\s+risk\s+of|risks?\s+being|avoid(?:ed|s|ing)?|escaped?|if|unless|whether|until|when\s+inspectors\s+return|"
    r"next\s+inspection|in\s+future)\b|n't\b)[^,;:–()]*$",
    "negation, modality and intent: the rating is not given in this clause",
    ["Anytown PDU could be rated", "The team was not rated", "it aims to be rated", "at risk of being rated",
     "Anytown PDU wasn't rated"],
    ["Anytown PDU was rated", "In May 2024 the team was rated", "The unit, which could improve, was rated"])


FUTURE_AFTER = rule(
    "future-condition-after",
    r"^\W{0,3}\s*(?:when|once|if|after|at|by)\s+(?:the\s+)?(?:inspectors?\s+(?:return|come\s+back|next)|"
    r"(?:its|the|their)\s+next\s+inspection|(?:it|they)\s+(?:is|are)\s+(?:next\s+)?(?:re-?)?inspected)",
    "a rating tied to a future inspection is an aim or a forecast",
    ["' when inspectors return next year", " at its next inspection"], [" when inspectors visited in May"])


# A time marker of an earlier inspection in the rating's own clause: the rating is a past one.
EARLIER = rule(
    "earlier-inspection",
    r"\b(?:at|in|after|following)\s+(?:its|their|the)\s+(?:last|previous|earlier|prior)\s+(?:inspection|visit)s?\b|"
    r"\blast\s+(?:year|time)\b|\bpreviously\b|\bformerly\b|\bback\s+in\b",
    "a rating tied to an earlier inspection ('at its last inspection', 'last year') is not the current one",
    ["It was given the lowest grade at its last inspection", "we rated the unit 'Good' last year",
     "Previously, it was rated"], ["It was given the lowest grade after this inspection", "rated 'Good' this year"])
# Where the rating's clause ends, or a comparison with the earlier rating begins ("higher than at its last").
_CLAUSE_END = re.compile(r"[,;.:–—()]|\s-\s|\b(?:but|than|from|when|since|compared)\b", re.I)
_NOW = re.compile(r";|\bbut\b|\bnow\b|\bthis\s+(?:time|year|inspection)\b", re.I)


def of_earlier_inspection(before_: str, after: str) -> bool:
    """True when the clause holding the rating (which `after` starts with) ties it to an earlier inspection."""
    after = re.sub(r"^['’\"]?\w+", "", after)
    clause = _NOW.split(before_[-160:])[-1] + " " + _CLAUSE_END.split(after[:120], maxsplit=1)[0]
    return bool(EARLIER.search(clause))


# A yes/no question asks whether the rating was given; a wh-question ("Why was it rated ...?") presumes it.
QUESTION = rule(
    "yes-no-question",
    r"^\W*(?!(?:why|how|what|where|who)\b)[^?]*\?[\s'\"’”]*$",
    "a question ('Has X been rated inadequate?') gives no rating",
    ["Has Anytown PDU been rated inadequate?", "Was the YOT rated 'Good'?"],
    ["Why was Anytown PDU rated inadequate?", "Anytown PDU was rated 'Good'."])


def is_question(sentence: str) -> bool:
    """True when the sentence asks (yes or no) rather than states."""
    return bool(QUESTION.search(sentence.strip()))


def asserted(clause_before: str, after: str = "") -> bool:
    """False when the clause leading to a rating negates it, makes it hypothetical or an aim, or
    reports it as a claim; or when what follows ties it to a future inspection."""
    return not NOT_ASSERTED.search(clause_before[-160:]) and not FUTURE_AFTER.search(after[:80])
