"""The extractor's language rules, one short text per phrasing and per trap.

These texts are written for the tests in the styles of HMI Probation press releases, report
pages and regional news; they do not come from the labelled corpus.
"""

import pytest

from bot.extract import extract
from bot.extract.units import canonical


def only_unit(text, **kw):
    result = extract(text, **kw)
    assert result.is_inspection, result
    assert len(result.units) == 1, result.units
    return result.units[0]


# --- overall ratings in the forms the inspectorate and the news use ----------------------------

@pytest.mark.parametrize("text, name, rating", [
    ("Wirral Probation Delivery Unit (PDU) has received an overall rating of 'Good' following an "
     "inspection by His Majesty's Inspectorate of Probation.", "Wirral PDU", "Good"),
    ("An inspection of Salford Youth Justice Service (YJS), by HM Inspectorate of Probation, has "
     "given the service an overall rating of 'Outstanding'.", "Salford YJS", "Outstanding"),
    ("Foreword\nIn Wigan PDU we found committed staff.\nTherefore, we have given the PDU an overall "
     "rating of 'Requires improvement'.", "Wigan PDU", "Requires improvement"),
    ("Probation services in Sheffield rated inadequate by regulator\nInspectors said the service "
     "had struggled with high workloads.", "Sheffield PDU", "Inadequate"),
    ("York probation service judged requiring improvement\nThe probation service in York has been "
     "judged as requiring improvement by inspectors.", "York PDU", "Requires improvement"),
    ("Torbay's youth offending team has been graded 'good' overall by inspectors.", "Torbay YJS", "Good"),
    ("Rochdale Youth Offending Service - 'Requires improvement'\nThe service supervises around "
     "80 children.", "Rochdale YJS", "Requires improvement"),
    ("Probation services in Wales have received an overall regional rating of 'Requires "
     "improvement' by His Majesty's Inspectorate of Probation.", "Wales region", "Requires improvement"),
    ("An inspection of Probation Services – East Midlands region\nThe region was therefore rated "
     "'Good' overall.", "East Midlands region", "Good"),
    ("Coventry PDU rated as 'Inadequate'.\nCoventry Probation Delivery Unit has been rated as "
     "'Inadequate' following an inspection.", "Coventry PDU", "Inadequate"),
    ("Barking, Dagenham & Havering Probation Delivery Unit has been rated 'Good'.",
     "Barking, Dagenham and Havering PDU", "Good"),
])
def test_overall_rating_forms(text, name, rating):
    unit = only_unit(text)
    assert (unit.name, unit.rating) == (name, rating)


def test_pdu_gets_its_region_from_the_gazetteer():
    unit = only_unit("Kirklees Probation Delivery Unit (PDU) has received an overall rating of 'Inadequate'.")
    assert (unit.type, unit.region) == ("PDU", "Yorkshire and the Humber")


def test_unit_missing_from_gazetteer_keeps_its_name_and_no_region():
    unit = only_unit("Northwold Youth Justice Service (YJS) has received an overall rating of 'Good'.")
    assert (unit.name, unit.type, unit.region) == ("Northwold YJS", "YJS", None)


@pytest.mark.parametrize("written", [
    "Gateshead and South Tyneside Probation Delivery Unit", "South Tyneside & Gateshead PDU",
    "South Tyneside and Gateshead PDU",
])
def test_spellings_of_one_unit_share_a_canonical_name(written):
    unit = only_unit(f"{written} has received an overall rating of 'Good'.")
    assert unit.name == "Gateshead and South Tyneside PDU"


@pytest.mark.parametrize("written", ["Kirklees Youth Offending Team", "Kirklees YOT", "Kirklees YOS",
                                     "Kirklees Youth Justice Service"])
def test_youth_service_names_fold_to_yjs(written):
    assert canonical(written, "YJS").name == "Kirklees YJS"


# --- traps: sub-ratings, scale boilerplate, non-inspections ------------------------------------

def test_scale_boilerplate_is_not_a_rating():
    text = ("An inspection of Leeds Youth Justice Service has given the service an overall rating of "
            "'Good'.\nThe Inspectorate uses a four-point scale: 'Outstanding', 'Good', 'Requires "
            "improvement' and 'Inadequate'.")
    assert only_unit(text).rating == "Good"


@pytest.mark.parametrize("sub", [
    "Its work with victims was rated 'Outstanding'.",
    "Oldham YJS received a rating of 'Outstanding' specifically for their leadership.",
    "Court disposals work was separately rated as 'Outstanding'.",
    "Specific areas of their work received an 'Outstanding' rating.",
    "Sentence management across the board was rated as 'Inadequate'.",
    "Work to keep people safe was judged 'inadequate'.",
])
def test_sub_ratings_do_not_replace_the_overall_rating(sub):
    text = f"Oldham Youth Justice Service (YJS) has received an overall rating of 'Good'. {sub}"
    assert only_unit(text).rating == "Good"


@pytest.mark.parametrize("text", [
    "Youth annual report 2025\nMore youth justice services were rated 'Good' or 'Outstanding' this "
    "year and no services were rated 'Inadequate'.",
    "Thematic inspection of race equality\nOnly 30 per cent of cases were rated 'Good' by inspectors.",
    "Dynamic Inspection of Public Protection in the North West\nThis inspection gives no rating. "
    "Work to keep people safe met the required standard in 45 per cent of cases.",
    "Today we are announcing a national probation inspection covering England and Wales.",
    "Domestic abuse continues to be inadequately managed by the Probation Service.",
    "The quality of work with higher-risk people in Dorset was generally good.",
])
def test_texts_without_a_rated_unit_are_not_inspections(text):
    result = extract(text)
    assert result.is_inspection is False
    assert result.units == ()


# --- previous ratings and direction ---------------------------------------------------------

@pytest.mark.parametrize("sentence, prev, when", [
    ("This is the second inspection of the PDU, having previously been rated 'Good' in 2022.", "Good", "2022"),
    ("This is the second inspection since 2021, after being rated as 'Good' in May 2023.", "Good", "May 2023"),
    ("This follows a previous 'Good' rating in June 2022.", "Good", "June 2022"),
    ("The PDU was last inspected in 2023, when it was rated as 'Good'.", "Good", "2023"),
    ("Bolton PDU was previously inspected by HM Inspectorate of Probation in April 2022 and was "
     "rated 'Good'.", "Good", "April 2022"),
    ("The service was also found to be 'Good' back in March 2023.", "Good", "March 2023"),
])
def test_previous_rating_forms(sentence, prev, when):
    text = f"Bolton Probation Delivery Unit (PDU) has received an overall rating of 'Inadequate'. {sentence}"
    unit = only_unit(text)
    assert (unit.previous_rating, unit.previous_inspection, unit.direction) == (prev, when, "down")


def test_previous_rating_stated_before_the_current_one():
    text = ("Having previously been rated 'Inadequate' in 2022, Plymouth PDU has now received an "
            "overall rating of 'Requires improvement'.")
    unit = only_unit(text)
    assert (unit.previous_rating, unit.direction) == ("Inadequate", "up")


def test_previous_rating_only_in_notes_to_editors():
    text = ("Suffolk PDU has received an overall rating of 'Good'.\nThe report makes four "
            "recommendations.\nNotes to editor\n- Suffolk PDU was previously inspected in May 2022 "
            "and was rated 'Requires improvement'.")
    unit = only_unit(text)
    assert (unit.previous_rating, unit.previous_inspection, unit.direction) == ("Requires improvement", "May 2022", "up")


@pytest.mark.parametrize("sentence", [
    "Despite improvements, the service remains 'Inadequate'.",
    "The overall rating has stayed the same.",
])
def test_unchanged_rating_is_same(sentence):
    text = f"Dudley and Sandwell PDU has received an overall rating of 'Inadequate'. {sentence}"
    unit = only_unit(text)
    assert (unit.previous_rating, unit.direction) == ("Inadequate", "same")


def test_retained_rating_is_same():
    unit = only_unit("Sefton Youth Offending Team has been rated as 'Good'. The service retained its 'Good' rating.")
    assert (unit.name, unit.previous_rating, unit.direction) == ("Sefton YJS", "Good", "same")


def test_first_inspection_is_new():
    text = ("Essex North Probation Delivery Unit (PDU) has received an overall rating of 'Good'. "
            "This is the first inspection of this PDU since it was established under the unification "
            "of probation services in 2021.")
    assert only_unit(text).direction == "new"


@pytest.mark.parametrize("trap", [
    "This is the first 'Inadequate' rating given to a Youth Justice Service since July 2020.",
    "It was the first in the country to receive a new joint inspection.",
    "This was the first regional inspection of the Inspectorate's current programme.",
])
def test_first_something_else_is_not_a_first_inspection(trap):
    text = f"Powys Youth Justice Service (YJS) has received an overall rating of 'Inadequate'. {trap}"
    unit = only_unit(text)
    assert (unit.previous_rating, unit.direction) == (None, None)


def test_sub_rating_drag_is_not_a_previous_rating():
    text = ("Leeds Probation Delivery Unit (PDU) has received an overall rating of 'Requires improvement'. "
            "Poor public protection work dragged the overall rating down from 'good' to 'requires improvement'.")
    unit = only_unit(text)
    assert (unit.previous_rating, unit.direction) == (None, None)


def test_own_last_rating_beats_predecessor_rating():
    text = ("Swansea Youth Justice Service (YJS) has received an overall rating of 'Outstanding'. "
            "Swansea YJS began in 2019 following the split of Western Bay YJS, which we rated as "
            "'Inadequate' in 2019. Swansea YJS last inspected in 2022 where it received an overall "
            "rating of 'Good'.")
    unit = only_unit(text)
    assert (unit.previous_rating, unit.previous_inspection, unit.direction) == ("Good", "2022", "up")


def test_predecessor_rating_is_the_fallback():
    text = ("Neath Port Talbot Youth Justice Service (YJS) has received an overall rating of 'Good'. "
            "Inspectors praised its response to an 'Inadequate' rating, when it was part of the former "
            "Western Bay Youth Justice Service.")
    unit = only_unit(text)
    assert (unit.previous_rating, unit.direction) == ("Inadequate", "up")


def test_last_inspection_date_without_a_rating():
    text = ("Calderdale Youth Justice Service (YJS) has received an overall rating of 'Good'. "
            "Inspectors noted progress since their last inspection in 2015.")
    unit = only_unit(text)
    assert (unit.previous_rating, unit.previous_inspection, unit.direction) == (None, "2015", None)


# --- several units in one text ----------------------------------------------------------------

def test_respectively_maps_ratings_in_order():
    text = ("Two PDUs in the North East have been rated 'Good' and 'Requires improvement', respectively.\n"
            "Sunderland PDU has been rated 'Good'.\nNewcastle upon Tyne PDU has been rated 'Requires improvement'.")
    got = [(u.name, u.rating) for u in extract(text).units]
    assert got == [("Sunderland PDU", "Good"), ("Newcastle upon Tyne PDU", "Requires improvement")]


def test_list_of_units_each_rated_with_their_scores():
    text = ("Croydon PDU, Southwark PDU and Newham PDU each received the lowest rating possible "
            "('Inadequate'). Croydon PDU received zero out of a total of 27 inspection points. "
            "Both Southwark PDU and Newham PDU each scored just two points.")
    got = [(u.name, u.rating, u.score) for u in extract(text).units]
    assert got == [("Croydon PDU", "Inadequate", "0/27"), ("Southwark PDU", "Inadequate", "2/27"),
                   ("Newham PDU", "Inadequate", "2/27")]


def test_sibling_units_rated_in_passing_come_after_the_main_unit():
    text = ("Sefton PDU has been rated as 'Inadequate' following an inspection. This was one of two "
            "inspections in Merseyside - the other is Wirral PDU, which also received a rating of "
            "'Inadequate'. The others in the region are Bolton PDU and Wigan PDU (both rated 'Good').")
    got = [(u.name, u.rating) for u in extract(text).units]
    assert got == [("Sefton PDU", "Inadequate"), ("Wirral PDU", "Inadequate"),
                   ("Bolton PDU", "Good"), ("Wigan PDU", "Good")]


# --- scores, recommendations, dates, people -------------------------------------------------------

@pytest.mark.parametrize("sentence, score", [
    ("It scored 33/36.", "33/36"), ("The PDU achieved 31 out of a possible 36.", "31/36"),
    ("Score 3/24", "3/24"), ("It received zero out of a total of 27 inspection points.", "0/27"),
])
def test_scores_as_printed(sentence, score):
    assert only_unit(f"Doncaster PDU has received an overall rating of 'Good'. {sentence}").score == score


def test_quality_standard_counts_are_not_scores():
    text = ("Doncaster PDU has received an overall rating of 'Inadequate', with 'Inadequate' ratings "
            "for eight out of nine of our quality standards.")
    assert only_unit(text).score is None


@pytest.mark.parametrize("sentence, n", [
    ("The report makes seven recommendations, including to improve oversight.", 7),
    ("The report makes 10 recommendations.", 10),
    ("Twelve recommendations have been issued to the PDU and the region.", 12),
    ("In this report we make eight recommendations to further improve the work.", 8),
])
def test_recommendation_counts(sentence, n):
    assert only_unit(f"Derby City PDU has received an overall rating of 'Good'. {sentence}").recommendations == n


@pytest.mark.parametrize("line, iso", [
    ("Published 15th Nov 2024", "2024-11-15"), ("Date: 12/03/2024", "2024-03-12"),
    ("Published: 3 June 2025", "2025-06-03"),
    ("- The report is available at gov.uk/hmiprobation on 19 December 2024.", "2024-12-19"),
])
def test_publication_dates(line, iso):
    text = f"Wakefield PDU rated 'Good'\n{line}\nWakefield PDU has received an overall rating of 'Good'."
    assert extract(text).published == iso


def test_no_date_is_never_guessed():
    text = ("Published:\n\nWakefield PDU has received an overall rating of 'Good'. The other PDU was "
            "rated 'Good' (published on 29 June 2023). Fieldwork took place in October 2024.")
    assert extract(text).published is None


@pytest.mark.parametrize("sentence, name", [
    ('Martin Jones, Chief Inspector of Probation, said: "Good work."', "Martin Jones"),
    ('Chief Inspector of Probation Justin Russell said: "Good work."', "Justin Russell"),
    ("The report was welcomed, said Dame Glenys Stacey, HM Chief Inspector of Probation.", "Glenys Stacey"),
])
def test_chief_inspector(sentence, name):
    text = f"Leeds PDU has received an overall rating of 'Good'. {sentence}"
    assert extract(text).chief_inspector == name


def test_findings_are_quotable_sentences_not_boilerplate():
    text = ("Leeds PDU has received an overall rating of 'Requires improvement'.\n"
            "At the time of the inspection, the vacancy rate for probation officers was 35 per cent.\n"
            "Only 28 per cent of cases had a sufficient assessment of the risk of harm.\n"
            "Inspectors found strong partnerships with the local council and police.\n"
            "The report makes six recommendations.\n"
            "Notes to editor\n- HM Inspectorate of Probation is the independent inspector of youth "
            "justice and probation services across England and Wales, with 40 per cent of its work.")
    findings = extract(text).findings
    assert 3 <= len(findings) <= 5
    assert any("35 per cent" in f for f in findings)
    assert not any("recommendations" in f or "independent inspector" in f for f in findings)


def test_curly_quotes_entities_and_odd_spacing():
    text = "Leeds\u00a0Probation Delivery Unit has received an overall rating of &lsquo;Inadequate&rsquo;."
    assert only_unit(text).rating == "Inadequate"


def test_excerpt_cut_mid_sentence_still_reads():
    text = "Hull Youth Justice Service rated 'Good'\nHull Youth Justice Service (YJS) has received an overall rating of 'Good'. The serv"
    unit = only_unit(text)
    assert (unit.name, unit.rating) == ("Hull YJS", "Good")


@pytest.mark.parametrize("text, prev, rating", [
    ("Essex North Probation Delivery Unit has been downgraded from 'Requires improvement' to 'Inadequate'.",
     "Requires improvement", "Inadequate"),
    ("Swindon and Wiltshire PDU has improved from 'Requires improvement' to 'Good', inspectors said.",
     "Requires improvement", "Good"),
])
def test_moved_from_one_rating_to_another(text, prev, rating):
    unit = only_unit(text)
    assert (unit.previous_rating, unit.rating) == (prev, rating)


def test_an_aspect_that_improved_is_not_the_units_previous_rating():
    text = ("Leeds PDU has received an overall rating of 'Good'. Leadership improved from "
            "'Requires improvement' to 'Outstanding'.")
    unit = only_unit(text)
    assert (unit.rating, unit.previous_rating) == ("Good", None)


@pytest.mark.parametrize("text, name, kind", [
    ("National Probation Service Wales division rated 'Good'\nHM Inspectorate of Probation has "
     "rated the National Probation Service (NPS) Wales division as 'Good'.", "Wales region", "region"),
    ("Durham Tees Valley Community Rehabilitation Company (CRC) has been rated as 'Requires "
     "improvement' by HM Inspectorate of Probation.", "Durham Tees Valley CRC", "other"),
])
def test_older_organisations_are_named_and_typed(text, name, kind):
    unit = only_unit(text)
    assert (unit.name, unit.type) == (name, kind)


def test_published_on_label():
    text = "Leeds PDU rated 'Good'\nPublished on: 3 June 2025\nLeeds PDU has received an overall rating of 'Good'."
    assert extract(text).published == "2025-06-03"


def test_a_county_named_in_news_finds_the_pdu_that_covers_it():
    unit = only_unit("Probation services in Devon rated 'Good'\nInspectors praised the staff.")
    assert (unit.name, unit.type) == ("Devon and Torbay PDU", "PDU")


def test_siblings_which_were_both_rated():
    text = ("Sefton PDU has been rated 'Good'. The others were Bolton PDU and Wigan PDU, which were "
            "both rated 'Inadequate'. There are seven recommendations.")
    result = extract(text)
    assert [(u.name, u.rating) for u in result.units] == [
        ("Sefton PDU", "Good"), ("Bolton PDU", "Inadequate"), ("Wigan PDU", "Inadequate")]
    assert result.units[0].recommendations == 7
    assert result.siblings == ("Bolton PDU", "Wigan PDU")


# --- forms met in regional news and report forewords --------------------------------------------

def test_list_with_repeated_preposition_and_respectively():
    text = ("Probation services in Bolton and in Wigan were judged good and inadequate respectively by "
            "inspectors. Neither unit had been inspected since probation was reunified in 2021.")
    got = [(u.name, u.rating, u.direction) for u in extract(text).units]
    assert got == [("Bolton PDU", "Good", "new"), ("Wigan PDU", "Inadequate", "new")]


def test_unit_name_ending_in_and_is_not_a_previous_rating_clue():
    text = "Probation services in North Tyneside and Northumberland were judged good by inspectors."
    unit = only_unit(text)
    assert (unit.name, unit.rating, unit.previous_rating) == ("North Tyneside and Northumberland PDU", "Good", None)


@pytest.mark.parametrize("sentence, prev", [
    ("The service was rated good when it was last inspected in 2019.", "Good"),
    ("It was rated 'Good' at its last inspection in 2019.", "Good"),
    ("At our last inspection in 2019, it was rated 'Good'.", "Good"),
    ("This comes two years after it was rated as good.", "Good"),
    ("The PDU's overall rating has dropped from 'Good' since 2019.", "Good"),
])
def test_more_previous_rating_forms(sentence, prev):
    text = f"Stockport and Trafford Probation Delivery Unit has been rated inadequate by inspectors. {sentence}"
    unit = only_unit(text)
    assert (unit.previous_rating, unit.direction) == (prev, "down")


def test_relative_clause_between_unit_and_verb():
    text = ("The Solihull Youth Justice Service, which works with children across the borough, "
            "was rated outstanding by inspectors.")
    assert only_unit(text).name == "Solihull YJS"


def test_generic_subject_with_partner_council_stays_the_main_unit():
    text = ("Lincolnshire youth justice service rated good\nThe service, run by Lincolnshire County "
            "Council, was judged good overall.")
    assert only_unit(text).name == "Lincolnshire YJS"


def test_active_voice_in_a_foreword():
    text = ("Foreword\nOverall, we have rated Walsall & Wolverhampton PDU as 'Requires improvement'.\n"
            "Martin Jones CBE\nHis Majesty's Chief Inspector of Probation")
    result = extract(text)
    assert [(u.name, u.rating) for u in result.units] == [("Walsall and Wolverhampton PDU", "Requires improvement")]
    assert result.chief_inspector == "Martin Jones"


@pytest.mark.parametrize("text", [
    "Blog: what 'good' looks like in supervision\nIn Sefton PDU last year we saw strong work.",
    "Research bulletin: caseloads\nIn PDUs rated 'Inadequate' overall, caseloads were 20 per cent higher.",
    "Dynamic Inspection of Public Protection in Wales\nThese inspections do not give an overall rating. "
    "At our last inspection of the region in 2023, it was rated 'Requires improvement'.",
])
def test_more_texts_that_are_not_rated_inspections(text):
    assert extract(text).is_inspection is False


def test_chief_inspector_in_lower_case_with_the():
    text = "Leeds PDU has been rated 'Good'. Dame Glenys Stacey, the outgoing chief inspector of probation, said it was good."
    assert extract(text).chief_inspector == "Glenys Stacey"


def test_published_label_with_the_date_on_the_next_line():
    text = "Leeds PDU rated 'Good'\nPublished\n12 June 2024\nLeeds PDU has received an overall rating of 'Good'."
    assert extract(text).published == "2024-06-12"


def test_numbered_recommendations_that_start_with_a_capital():
    text = ("Croydon PDU\nAs a result, the PDU is rated 'Inadequate'.\nRecommendations\nCroydon PDU should:\n"
            "1. Ensure that every case has a named practitioner.\n2. Reduce workloads.\n"
            "3. Improve risk assessment.\nBackground\n1. Organisational delivery")
    assert only_unit(text).recommendations == 3


def test_byline_date():
    text = "Inspectors rate Bury YJS 'Good'\nBy Jane Smith, 14th Feb 2024\nBury Youth Justice Service has been rated 'Good'."
    assert extract(text).published == "2024-02-14"


def test_names_with_and_the_inside():
    unit = only_unit("Portsmouth and the Isle of Wight Probation Delivery Unit has been rated 'Good'.")
    assert unit.name == "Portsmouth and the Isle of Wight PDU"


def test_a_neighbours_past_rating_is_not_this_units_previous_rating():
    text = ("Southwark PDU has received an overall rating of 'Inadequate'.\nNotes to editor\n"
            "- Lambeth PDU, also in south London, was rated 'Requires improvement' in 2023.")
    unit = only_unit(text)
    assert (unit.previous_rating, unit.direction) == (None, None)


@pytest.mark.parametrize("sentence", [
    "Inspectors last visited the service in 2019, when it received a 'Good' rating.",
    "When we last inspected the service in 2019, we rated it 'Good'.",
    "In 2019, Cardiff Youth Offending Service, as it was then known, received a 'Good' rating.",
])
def test_past_ratings_in_active_voice_and_dated_openings(sentence):
    text = f"Cardiff Youth Justice Service has received an overall rating of 'Inadequate'. {sentence}"
    unit = only_unit(text)
    assert (unit.previous_rating, unit.direction) == ("Good", "down")


def test_related_stories_are_not_units():
    text = ("Wirral probation service judged as requiring improvement\nProbation services on the Wirral "
            "have been judged as requiring improvement.\n\nRelated stories\nSefton probation service "
            "rated good by inspectors\n")
    assert [u.name for u in extract(text).units] == ["Wirral PDU"]


def test_clause_of_respectively_after_a_semicolon():
    text = ("Norfolk PDU was rated 'Good'; Essex North PDU and Hertfordshire PDU received ratings of "
            "'Requires improvement' and 'Inadequate' respectively.")
    got = [(u.name, u.rating) for u in extract(text).units]
    assert got == [("Norfolk PDU", "Good"), ("Essex North PDU", "Requires improvement"),
                   ("Hertfordshire PDU", "Inadequate")]


def test_joined_place_names_split_for_youth_services_and_past_neighbours_ignored():
    text = ("Bury and Rochdale youth justice services rated good\nYouth justice services in Bury and "
            "Rochdale have both been rated good by inspectors.\nNeighbouring Oldham's youth justice "
            "service, inspected last year, was rated outstanding.")
    assert [(u.name, u.rating) for u in extract(text).units] == [("Bury YJS", "Good"), ("Rochdale YJS", "Good")]


@pytest.mark.parametrize("title", ["Annual report 2023/24: probation under pressure",
                                   "Effective practice guide: out-of-court disposals"])
def test_publications_citing_rated_units_are_not_inspections(title):
    text = f"{title}\nMany examples come from Salford YJS and Oldham YJS, both rated 'Outstanding'."
    assert extract(text).is_inspection is False


def test_for_a_second_time_is_not_a_sub_rating():
    unit = only_unit("Kirklees PDU has been rated 'Inadequate' for a second time.")
    assert unit.rating == "Inadequate"


@pytest.mark.parametrize("text", [
    "Kirklees PDU has been rated 'Inadequate' for a second time.",
    "Kirklees PDU has again been rated 'Inadequate'.",
    "Kirklees PDU has again received an overall rating of 'Inadequate'.",
])
def test_again_and_second_time_mean_the_same_rating(text):
    unit = only_unit(text)
    assert (unit.rating, unit.previous_rating, unit.direction) == ("Inadequate", "Inadequate", "same")
