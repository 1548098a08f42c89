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


NOT_ASSERTED = rule(
    "not-asserted",
    r"(?:\b(?:not|never|no\s+longer|could|would|might|should|must|(?-i:may)|aims?\s+to|aiming\s+to|hopes?\s+to|"
    r"hoping\s+to|wants?\s+to|expects?\s+to|expected\s+to|likely\s+to|bid\s+to|goal\s+(?:is|of)|ambition|target|"
    r"at\s+risk\s+of|risks?\s+being|avoid(?:ed|s|ing)?|escaped?|if|unless|whether|until|when\s+inspectors\s+return|"
    r"next\s+inspection|in\s+future)\b|n't\b)[^,;:–()]*$",
    "negation, modality and intent: the rating is not given in this clause",
    ["Anytown PDU could be rated", "The team was not rated", "it aims to be rated", "at risk of being rated",
     "Anytown PDU wasn't rated"],
    ["Anytown PDU was rated", "In May 2024 the team was rated", "The unit, which could improve, was rated"])


def asserted(clause_before: str) -> bool:
    """False when the clause leading to a rating negates it, or makes it hypothetical or an aim."""
    return not NOT_ASSERTED.search(clause_before[-160:])
