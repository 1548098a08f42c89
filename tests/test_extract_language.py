"""Issue 10's language rules, each with texts of our own that must and must not give a rating.

Unit names are real (from the gazetteer) but every sentence is made up for these tests.
"""

import pytest

from bot.extract import extract


def rated(text):
    """(name, rating, previous, direction) of every unit read from `text`."""
    return [(u.name, u.rating, u.previous_rating, u.direction) for u in extract(text).units]


def assert_no_claim(text):
    result = extract(text)
    assert not result.is_inspection and result.units == (), result.units


# --- who rated it: only HMI Probation ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Ofsted rated Leeds children's services 'Outstanding' after a visit in May.",
    "The police inspectorate, HMICFRS, graded West Yorkshire Police 'Good' at keeping people safe, "
    "and praised its work with the Leeds youth offending team.",
    "HM Inspectorate of Prisons found the young offender institution 'Inadequate'; the Wigan youth "
    "justice service works with boys held there.",
    "The CQC rated the trust 'Requires improvement'. It provides health staff to Bolton Youth Justice Service.",
    "Estyn judged the pupil referral unit 'Good'. Pupils are often known to Cardiff youth justice service.",
    "HMIP said the jail's cells were filthy and rated safety there 'poor'. Inmates told inspectors of "
    "long waits; Doncaster probation staff visit weekly.",
    "Police force told it must improve\nHMICFRS rated the force 'Inadequate' for investigating crime.",
])
def test_another_inspectorates_rating_is_no_claim(text):
    assert_no_claim(text)


@pytest.mark.parametrize("text", [
    "Leeds children's services rated outstanding\nInspectors praised the council's youth justice work with families.",
    "Bolton children's social care judged 'Good'\nThe council said its youth offending team helped too.",
    "Hospital trust told it requires improvement\nThe CQC found long waits; the trust works with Wigan PDU.",
])
def test_a_rating_of_childrens_services_is_no_claim(text):
    assert_no_claim(text)


def test_a_youth_justice_service_within_childrens_services_still_counts():
    text = ("Leeds youth justice service, part of the council's children's services, has been rated 'Good' "
            "by HM Inspectorate of Probation.")
    assert [(n, r) for n, r, _, _ in rated(text)] == [("Leeds YJS", "Good")]


@pytest.mark.parametrize("text", [
    "Wigan PDU news\nHM Inspectorate of Probation has inspected Wigan PDU. It was given the lowest grade at its last inspection.",
    "Bolton YJS update\nHM Inspectorate of Probation rated Bolton YJS requires improvement last year.",
])
def test_a_rating_of_an_earlier_inspection_is_not_the_current_one(text):
    assert all(rating is None for _, rating, _, _ in rated(text)), rated(text)


def test_a_current_rating_beside_an_earlier_one_is_read():
    text = ("Wigan PDU improves\nHM Inspectorate of Probation rated Wigan PDU requires improvement last year; "
            "this year it has been rated 'Good'.")
    assert [(n, r) for n, r, _, _ in rated(text)] == [("Wigan PDU", "Good")]


@pytest.mark.parametrize("text", [
    "Has Wigan PDU been rated inadequate?\nHM Inspectorate of Probation visited Wigan PDU in May; the report is due.",
    "Wigan PDU news\nHM Inspectorate of Probation visited Wigan PDU. Was Wigan PDU rated 'Inadequate'? Staff wait.",
])
def test_a_question_is_no_rating(text):
    assert all(rating is None for _, rating, _, _ in rated(text)), rated(text)


def test_a_why_question_presumes_the_rating():
    text = ("Why was Wigan PDU rated 'Inadequate'?\nHM Inspectorate of Probation rated Wigan PDU 'Inadequate' "
            "after finding high caseloads.")
    assert [(n, r) for n, r, _, _ in rated(text)] == [("Wigan PDU", "Inadequate")]


@pytest.mark.parametrize("verb", ["judged", "rated"])
def test_respectively_pairs_ratings_with_units_in_active_voice(verb):
    text = (f"Two services inspected\nHM Inspectorate of Probation {verb} Wigan PDU and Bolton PDU "
            "inadequate and good respectively.")
    assert sorted((n, r) for n, r, _, _ in rated(text)) == [("Bolton PDU", "Good"), ("Wigan PDU", "Inadequate")]


def test_without_respectively_both_units_share_the_rating():
    text = "Two services inspected\nHM Inspectorate of Probation judged Wigan PDU and Bolton PDU inadequate."
    assert sorted((n, r) for n, r, _, _ in rated(text)) == [("Bolton PDU", "Inadequate"), ("Wigan PDU", "Inadequate")]


def test_a_joint_inspection_with_hmi_probation_counts():
    text = ("A joint inspection led by HM Inspectorate of Probation, with Ofsted and the CQC, has rated "
            "Sefton Youth Justice Service 'Good'.")
    assert rated(text) == [("Sefton YJS", "Good", None, None)]


# --- negation, modality, intent -------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Bolton PDU could be rated 'Inadequate' at its next inspection, a union warned.",
    "Bolton PDU was not rated 'Inadequate', contrary to rumours, because no inspection has taken place.",
    "Managers said Bolton PDU aims to be rated 'Good' when inspectors return next year.",
    "Staff fear Bolton PDU is at risk of being rated 'Inadequate'.",
    "Bolton PDU would be rated 'Requires improvement' if the inspection were held today, its chief said.",
    "Leaders hope Bolton PDU may be rated 'Good' in future.",
])
def test_negated_or_hypothetical_ratings_are_no_claim(text):
    assert_no_claim(text)


# --- roundups and other publications ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Inspection round-up: March\nThis month Tameside PDU was rated 'Good' and Salford PDU was rated "
    "'Requires improvement'. Stockport PDU was rated 'Outstanding'.",
    "Our year in review\nIn the past year Wirral YJS was rated 'Outstanding', Sefton YJS 'Good' and "
    "Knowsley YJS 'Requires improvement'.",
    "Youth justice league table\nThe table ranks services: Bury YJS was rated 'Good', Oldham YJS was "
    "rated 'Inadequate' and Rochdale YJS was rated 'Good'.",
    "Annual report 2024\nOf the PDUs we inspected, Derby City PDU was rated 'Good'.",
])
def test_roundups_report_no_inspection(text):
    assert_no_claim(text)


# --- moves and sub-ratings --------------------------------------------------------------------

def test_a_kept_sub_rating_is_not_the_previous_overall_rating():
    text = ("Dorset PDU has been rated 'Good' by HM Inspectorate of Probation, up from 'Requires improvement'. "
            "It kept its 'Outstanding' rating for leadership.")
    assert rated(text) == [("Dorset PDU", "Good", "Requires improvement", "up")]


def test_raised_the_overall_rating_from_x_to_y():
    text = "Inspectors raised the overall rating of Swindon and Wiltshire PDU from 'Requires improvement' to 'Good'."
    assert rated(text) == [("Swindon and Wiltshire PDU", "Good", "Requires improvement", "up")]


def test_standards_rated_do_not_make_an_overall_rating():
    text = ("Inspectors rated three aspects of Sunderland PDU's work 'Outstanding', and half of the standards "
            "'Good' and half 'Requiring improvement'.")
    assert all(u.rating != "Outstanding" for u in extract(text).units)


# --- coordination -----------------------------------------------------------------------------

def test_both_services_rated():
    text = ("Inspectors visited Bury YJS and Rochdale YJS this spring. Both services were rated 'Good' "
            "by HM Inspectorate of Probation.")
    got = {(n, r) for n, r, _, _ in rated(text)}
    assert got == {("Bury YJS", "Good"), ("Rochdale YJS", "Good")}
    assert {u.confidence for u in extract(text).units} == {"inferred"}


def test_respectively():
    text = "Bolton PDU and Wigan PDU were rated 'Good' and 'Inadequate' respectively by HM Inspectorate of Probation."
    assert {(n, r) for n, r, _, _ in rated(text)} == {("Bolton PDU", "Good"), ("Wigan PDU", "Inadequate")}


# --- rating words -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, rating", [
    ("Inspectors judged Hull and East Riding PDU to be 'Requiring Improvement.'", "Requires improvement"),
    ("Hull and East Riding PDU was rated requires improvement by HM Inspectorate of Probation.",
     "Requires improvement"),
    ("Hull and East Riding PDU received the lowest rating possible from HM Inspectorate of Probation.",
     "Inadequate"),
    ("Hull and East Riding PDU was found to be performing to a good standard overall.", "Good"),
])
def test_rating_word_forms(text, rating):
    assert [r for _, r, _, _ in rated(text)] == [rating]


def test_a_rating_word_used_as_an_adjective_is_no_rating():
    text = "Inspectors found Hull and East Riding PDU had some outstanding staff and good partnerships."
    assert_no_claim(text)


# --- first inspections ------------------------------------------------------------------------

def test_first_under_a_new_methodology_is_not_a_first_inspection():
    text = ("Wakefield PDU has been rated 'Good'. It is the first PDU inspected under our new methodology, "
            "in its first inspection under the new framework.")
    assert rated(text) == [("Wakefield PDU", "Good", None, None)]


def test_first_inspection_in_some_years_is_not_a_first_inspection():
    text = "Wakefield PDU has been rated 'Good' in its first inspection in four years."
    assert rated(text) == [("Wakefield PDU", "Good", None, None)]


def test_its_first_inspection():
    text = "Wakefield PDU has been rated 'Good' in its first inspection since it was created in 2021."
    assert rated(text) == [("Wakefield PDU", "Good", None, "new")]


# --- a rated inspection whose text lacks the rating ---------------------------------------------

def test_rated_inspection_cut_before_the_rating():
    text = ("Torbay Youth Justice Service praised following inspection\n"
            "HM Inspectorate of Probation has published its report on Torbay Youth Justice Service. "
            "Inspectors found that staff knew the children well. The report makes five recommendations. The ra")
    result = extract(text)
    assert result.is_inspection
    assert [(u.name, u.rating, u.recommendations, u.confidence) for u in result.units] == [
        ("Torbay YJS", None, 5, None)]


# --- page furniture, unit types ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Get daily updates directly to your inbox + Subscribe\nInspectors said the 'Good' work must go on. "
    "The service was rated 'Good' last month.",
    "12 March 2025 - Hide Ad\nThe service has been rated 'Good' overall.",
])
def test_page_furniture_never_names_a_unit(text):
    for u in extract(text).units:
        assert "subscribe" not in u.name.casefold() and "hide ad" not in u.name.casefold()
        assert not u.name[:1].isdigit()


def test_a_youth_offending_service_is_never_a_pdu():
    text = ("Youth offending service in Bolton rated 'Good'\nThe youth offending service in Bolton has been "
            "rated 'Good' by HM Inspectorate of Probation.")
    assert [(u.name, u.type) for u in extract(text).units] == [("Bolton YJS", "YJS")]


def test_one_resolver_for_named_and_bare_names():
    a = extract("Barnsley PDU has been rated 'Good' by HM Inspectorate of Probation.").units[0].name
    b = extract("The probation service in Barnsley has been rated 'Good' by HM Inspectorate of Probation.").units[0].name
    assert a == b == "Barnsley and Rotherham PDU"


# --- the pathological input of the negative corpus ---------------------------------------------

def test_a_long_text_without_full_stops_makes_no_claim_and_quotes_briefly():
    # ~50 KB in one sentence (extraction time on it is measured in bench/README.md, never asserted)
    filler = " ".join(["the service worked with partners and Wigan PDU staff met often"] * 800)
    assert_no_claim(filler)
    unit = extract(f"Wigan PDU has received an overall rating of 'Good' {filler}").units[0]
    assert unit.rating == "Good" and len(unit.evidence["rating"]) < 400


# --- more of the language real texts use (rules added for corpus-2 and the blind batch) -----------

def test_the_company_refers_back_to_the_company_named():
    text = ("Probation services in the south-west branded 'inadequate'\n"
            "Inspectors looked at how people are supervised across Somerset and Avon by community "
            "rehabilitation company Example Links. The Chief Inspector branded the company 'inadequate'.")
    assert [(u.name, u.rating) for u in extract(text).units] == [("Somerset and Avon CRC", "Inadequate")]


def test_plural_services_covering_two_named_areas():
    text = ("Probation services covering Wakefield and Calderdale have been rated 'requiring improvement' "
            "following an inspection by HM Inspectorate of Probation.\n"
            "Inspectors said probation services in Wakefield had high workloads.\n"
            "Probation services in Calderdale had too few staff.")
    got = [(u.name, u.rating, u.confidence) for u in extract(text).units]
    assert got == [("Wakefield PDU", "Requires improvement", "inferred"),
                   ("Bradford and Calderdale PDU", "Requires improvement", "inferred")]


def test_a_unit_inspected_without_its_rating_is_listed_with_rating_null():
    text = ("In contrast, Wrexham Youth Justice Service was found by inspectors to be good overall.\n"
            "The Powys service was inspected by HM Inspectorate of Probation last year.")
    assert [(u.name, u.rating) for u in extract(text).units] == [("Wrexham YJS", "Good"), ("Powys YJS", None)]
    assert extract(text).siblings == ("Powys YJS",)  # recorded, never alerted


def test_recommendations_shared_out_between_units():
    text = ("Leeds PDU was rated 'Requires improvement' and Wakefield PDU was rated 'Good' by HM Inspectorate "
            "of Probation. Between them the reports make 11 recommendations, six for Leeds and five for Wakefield.")
    assert [(u.name, u.recommendations) for u in extract(text).units] == [("Leeds PDU", 6), ("Wakefield PDU", 5)]


@pytest.mark.parametrize("line, iso", [
    ("Friday, 3rd May 2024, 7:00 am", "2024-05-03"),
    ("Thursday, May 16, 2024", "2024-05-16"),
    ("Jane Example - 15 February 2024", "2024-02-15"),
    ("FOR IMMEDIATE RELEASE - 19 September 2024", "2024-09-19"),
])
def test_datelines(line, iso):
    text = f"Bolton PDU rated 'Good'\n{line}\nBolton PDU has been rated 'Good' by HM Inspectorate of Probation."
    assert extract(text).published == iso


def test_a_headline_restating_the_body_is_not_a_second_unit():
    text = ("Probation in the north-west rated 'Good'\n"
            "Wirral Probation Delivery Unit has received an overall rating of 'Good' from HM Inspectorate of Probation.")
    assert [u.name for u in extract(text).units] == ["Wirral PDU"]


# --- a sweep of phrasings, each with the unit and rating (and previous) a careful reader gives ------

SWEEP = [
 ("Anyshire youth offending service judged inadequate\nInspectors have judged Sefton's youth offending service to be inadequate.", ("Sefton YJS","Inadequate")),
 ("Wirral PDU inspected\nThe PDU received a 'Good' grade overall, HM Inspectorate of Probation said.", ("Wirral PDU","Good")),
 ("Wirral PDU inspected\nOverall, the PDU was rated as Requires Improvement.", ("Wirral PDU","Requires improvement")),
 ("HM Inspectorate of Probation has rated Sefton YJS as Outstanding, its highest rating.", ("Sefton YJS","Outstanding")),
 ("The inspectorate gave Wirral PDU a rating of 'Requires Improvement' after visiting in May.", ("Wirral PDU","Requires improvement")),
 ("Wirral PDU is rated 'Good' following its latest inspection by HM Inspectorate of Probation.", ("Wirral PDU","Good")),
 ("Wirral PDU has been given a 'requires improvement' verdict by HM Inspectorate of Probation.", ("Wirral PDU","Requires improvement")),
 ("Wirral PDU achieved a 'Good' rating from HM Inspectorate of Probation.", ("Wirral PDU","Good")),
 ("Wirral PDU was downgraded to 'Requires improvement' from 'Good' by inspectors.", ("Wirral PDU","Requires improvement","Good")),
 ("Wirral PDU slipped from 'Good' to 'Requires improvement' in its latest inspection.", ("Wirral PDU","Requires improvement","Good")),
 ("Wirral PDU has retained its 'Good' rating after a new inspection by HM Inspectorate of Probation.", ("Wirral PDU","Good","Good")),
 ("Staff at Wirral PDU, rated 'Good' in 2019, are to strike over pay, the union said.", None),
 ("Ofsted judged Sefton's children's services 'Good'; the youth justice service was not inspected.", None),
 ("If Wirral PDU is rated 'Inadequate' again, ministers will intervene, a spokesperson said.", None),
 ("Inspectors will return to Wirral PDU next year to see whether it can be rated 'Good'.", None),
 ("Thematic inspection of work with women\nInspectors visited Wirral PDU, which was rated 'Good' last year, and three other units.", None),
 ("Annual report 2024\nOf the 12 PDUs inspected, three were rated 'Good', including Wirral PDU.", None),
 ("HMP Liverpool was rated 'poor' by HM Inspectorate of Prisons. Liverpool probation staff work there.", None),
 ("The Wirral community health trust was rated 'Requires improvement' by the CQC. It works with Wirral PDU.", None),
 ("Merseyside Police was graded 'Good' by HMICFRS, which praised its work with the Wirral probation service.", None),
 ("Wirral PDU 'requires improvement', say inspectors\nThe report was published today.", ("Wirral PDU","Requires improvement")),
 ("Wirral PDU was assessed as requiring improvement by HM Inspectorate of Probation.", ("Wirral PDU","Requires improvement")),
 ("Inspection of Wirral PDU\nOverall rating for Wirral PDU: Requires improvement", ("Wirral PDU","Requires improvement")),
 ("Wirral PDU has been rated 'Good' - up from 'Requires improvement' at its last inspection in 2021.", ("Wirral PDU","Good","Requires improvement")),
 ("Sefton Youth Justice Service has been rated 'Outstanding' in every area by HM Inspectorate of Probation.", ("Sefton YJS","Outstanding")),
 ("Wirral PDU avoided the lowest rating, inspectors said, but was told it must improve.", None),
 ("Wirral PDU remains 'Inadequate' after its second inspection by HM Inspectorate of Probation.", ("Wirral PDU","Inadequate","Inadequate")),
 ("The Chief Inspector said Wirral PDU was not yet good, rating it 'Requires improvement'.", ("Wirral PDU","Requires improvement")),
 ("Sefton YJS is one of the best in the country, rated 'Outstanding' by HM Inspectorate of Probation.", ("Sefton YJS","Outstanding")),
 ("Probation leaders in Wirral hope the PDU will be rated 'Good' at its next inspection.", None),
 ("Wirral PDU was rated 'Good' for its leadership but 'Inadequate' overall.", ("Wirral PDU","Inadequate")),
 ("Sefton YJS was inspected in March. Inspectors rated the service 'Good' overall, with 'Outstanding' resettlement work.", ("Sefton YJS","Good")),
 ("A report by HM Inspectorate of Probation found Sefton youth justice service to be good.", ("Sefton YJS","Good")),
 ("Council papers\nMembers noted that Sefton YJS had been rated 'Good' in 2022 and that a new inspection is due.", None),
 ("Wirral PDU given 'inadequate' rating\nHM Inspectorate of Probation found serious problems.", ("Wirral PDU","Inadequate")),
]


@pytest.mark.parametrize("text, want", SWEEP, ids=[t[:40] for t, _ in SWEEP])
def test_phrasing_sweep(text, want):
    result = extract(text)
    got = None
    if result.is_inspection and result.units:
        u = result.units[0]
        got = (u.name, u.rating) + ((u.previous_rating,) if want and len(want) == 3 else ())
    assert got == want


SWEEP_2 = [
 # news lead styles
 ("Youth justice team praised\nA youth justice team in Merseyside has been rated 'Outstanding' by inspectors.\nSefton Youth Justice Service was praised for its work.", ("Sefton YJS","Outstanding")),
 ("Probation service 'inadequate'\nThe probation service in Bolton has been rated inadequate, the lowest possible grade.", ("Bolton PDU","Inadequate")),
 ("Bolton probation rated good\nBolton's probation service has been given a good rating by the inspectorate.", ("Bolton PDU","Good")),
 ("Inspectors: Bolton probation 'requires improvement'\nBolton probation delivery unit requires improvement, according to a report.", ("Bolton PDU","Requires improvement")),
 ("Wigan PDU has been graded as 'Requires Improvement', the second of four grades, by HM Inspectorate of Probation.", ("Wigan PDU","Requires improvement")),
 ("HM Inspectorate of Probation rated Wigan PDU 'Good'. Last time, in 2021, it was rated 'Inadequate'.", ("Wigan PDU","Good","Inadequate")),
 ("Wigan PDU has improved to 'Good' from 'Inadequate', HM Inspectorate of Probation said.", ("Wigan PDU","Good","Inadequate")),
 ("Wigan PDU has moved up two grades to 'Good', inspectors said. It was previously rated 'Inadequate'.", ("Wigan PDU","Good","Inadequate")),
 ("Wigan PDU was rated 'Good', the same rating it received at its last inspection in 2021.", ("Wigan PDU","Good","Good")),
 # traps
 ("Wigan PDU staff protest\nUnion members at Wigan PDU, which inspectors rated 'Requires improvement' last year, walked out today.", None),
 ("Ofsted inspection: Sefton children's services 'Outstanding'\nSefton Council's children's services have been rated 'Outstanding' by Ofsted. The youth justice service was praised.", None),
 ("Sefton YJS could face an 'Inadequate' rating when inspectors return, councillors warned.", None),
 ("Wigan PDU is expected to be rated 'Good' when the report is published next month.", None),
 ("Wigan PDU hopes to achieve a 'Good' rating at its next inspection.", None),
 ("Wigan PDU will be inspected next year. It was rated 'Good' in 2019.", None),
 ("League table: how probation services were rated\nWigan PDU: Good\nBolton PDU: Inadequate\nSalford PDU: Requires improvement", None),
 ("Committee report: Youth Justice Plan 2024-25\nThe YJS was last inspected in 2022 and rated 'Good'. The plan sets priorities for the year.", None),
 ("Sign up to our newsletter\nGet the latest news\nWigan PDU rated 'Good'\nRead more\nCouncil tax to rise by 5%\nThe council has approved a rise in council tax.", None),
 ("HMIP found Wigan prison's wings dirty and rated safety 'poor'. Inmates complained about food.", None),
 ("Wigan PDU was not rated 'Inadequate' despite concerns, because inspectors found improvement.", None),
 ("Probation inspection results\nHM Inspectorate of Probation has rated Salford PDU 'Good' and Bolton PDU 'Inadequate'.", ("Salford PDU","Good")),
 ("The inspection rated Bolton PDU's leadership as 'Good' and its casework as 'Inadequate'.", None),
 ("Wigan PDU was found to be 'Good' in two standards and 'Requires improvement' in the rest.", None),
]


@pytest.mark.parametrize("text, want", SWEEP_2, ids=[t[:40] for t, _ in SWEEP_2])
def test_phrasing_sweep_2(text, want):
    test_phrasing_sweep(text, want)


SWEEP_3 = [
 # full-report-like page with ratings table
 ("An inspection of probation services in Salford\nHM Inspectorate of Probation, May 2024\nRatings\nSalford PDU\tScore\t9/24\nOverall rating\tRequires improvement\n1.1 Leadership\tGood\n2.1 Assessment\tInadequate", ("Salford PDU","Requires improvement")),
 # GOV.UK style
 ("Press release\nOldham PDU rated 'Good' by HM Inspectorate of Probation\nOldham Probation Delivery Unit has received an overall rating of 'Good'.\nPublished 3 June 2024", ("Oldham PDU","Good")),
 # Welsh YOS
 ("Cardiff Youth Justice Service rated 'Good'\nInspectors judged the service to be good overall.", ("Cardiff YJS","Good")),
 # 'marked' / 'scored'
 ("Oldham PDU has been marked as 'Inadequate' by inspectors from HM Inspectorate of Probation.", ("Oldham PDU","Inadequate")),
 ("Inspectors have ranked Oldham PDU as 'Requires improvement'.", ("Oldham PDU","Requires improvement")),
 ("Oldham PDU was handed an 'Inadequate' rating by HM Inspectorate of Probation.", ("Oldham PDU","Inadequate")),
 ("Oldham PDU has earned a 'Good' rating from HM Inspectorate of Probation.", ("Oldham PDU","Good")),
 ("Oldham PDU: rated 'Good'. The inspectorate published its report today.", ("Oldham PDU","Good")),
 # past reports in passing, with a new unit
 ("Rochdale PDU has been rated 'Good'. Neighbouring Oldham PDU, inspected last year, was rated 'Inadequate'.", ("Bury and Rochdale PDU","Good")),
 # news traps
 ("Oldham MP calls for more probation staff\nThe MP said Oldham's probation service, which was rated 'Inadequate' in 2023, needed investment.", None),
 ("Probation officer jailed\nA former officer at Oldham PDU was jailed for fraud. The unit was rated 'Good' in its 2022 inspection.", None),
 ("Inspectorate to visit Oldham\nHM Inspectorate of Probation will inspect Oldham PDU next month. Its previous rating was 'Requires improvement'.", None),
 ("Oldham PDU: 'We are determined to be rated Good'\nThe head of service set out her plans.", None),
 ("Blog: what makes an 'Outstanding' youth justice service?\nSefton YJS, rated 'Outstanding' in 2023, shows the way.", None),
 ("Care Inspectorate Wales rated the council's children's services 'Good'. Cardiff youth justice service staff were also praised.", None),
 ("Estyn report: Cardiff pupil referral unit 'Good'\nEstyn has judged the unit good. Many of its pupils are known to Cardiff YOS.", None),
 ("HMICFRS rated the force 'requires improvement' in preventing crime; its youth offending work with Cardiff YOS was praised.", None),
]


@pytest.mark.parametrize("text, want", SWEEP_3, ids=[t[:40] for t, _ in SWEEP_3])
def test_phrasing_sweep_3(text, want):
    test_phrasing_sweep(text, want)


# --- council papers and updates after an inspection report no inspection; a cut release does ------

SWEEP_4 = [
 ("Youth Justice Plan 2024-25\nReport of the Director of Children's Services\nFollowing the inspection of Sefton Youth Justice Service by HM Inspectorate of Probation in 2023, the service has completed its action plan. All six recommendations have been addressed.", None),
 ("Progress update: probation inspection\nThis report updates members on progress since the inspection of Oldham PDU by HM Inspectorate of Probation. Inspectors found that caseloads were high and made five recommendations.", None),
 ("Oldham Probation Delivery Unit praised following inspection\nHM Inspectorate of Probation has published its report on Oldham Probation Delivery Unit. Inspectors found strong leadership. The report makes five recommendations.", ("Oldham PDU", None)),
 ("Thematic inspection of resettlement\nInspectors visited Oldham PDU following an inspection programme. HM Inspectorate of Probation found that recommendations were needed.", None),
]


@pytest.mark.parametrize("text, want", SWEEP_4, ids=[t[:40] for t, _ in SWEEP_4])
def test_updates_and_cut_releases(text, want):
    result = extract(text)
    got = (result.units[0].name, result.units[0].rating) if result.is_inspection and result.units else None
    assert got == want


@pytest.mark.parametrize("label, name", [
    ("salford youth offending team", "Salford YJS"),
    ("SALFORD YOT", "Salford YJS"),
    ("rotherham and barnsley", "Barnsley and Rotherham PDU"),
    ("Barnsley PDU", "Barnsley and Rotherham PDU"),
])
def test_free_written_names_resolve_in_any_case(label, name):
    from bot.extract.units import canonical_from_label

    assert canonical_from_label(label).name == name


SWEEP_5 = [
 ("HM Inspectorate of Probation has rated Torbay Youth Offending Team as 'Good' overall, with outstanding work in court.", ("Torbay YJS","Good")),
 ("Overall, Torbay YOT is rated as 'Requires improvement'.", ("Torbay YJS","Requires improvement")),
 ("The Inspectorate has given Torbay YOT an overall rating of 'Good'.", ("Torbay YJS","Good")),
 ("Torbay Youth Justice Service has been awarded the top rating of 'Outstanding' by HM Inspectorate of Probation.", ("Torbay YJS","Outstanding")),
 ("Devon and Torbay PDU has been rated as 'Requires improvement'. At its previous inspection in 2022 it was rated 'Inadequate'.", ("Devon and Torbay PDU","Requires improvement","Inadequate")),
 ("The National Probation Service Wales division has been rated 'Good' by HM Inspectorate of Probation.", ("Wales region","Good")),
 ("Probation Service - East of England region rated 'Requires improvement'\nThe East of England region has received an overall rating of 'Requires improvement'.", ("East of England region","Requires improvement")),
 ("Torbay YOT: Requires improvement\nInspectors found leadership to be good.", ("Torbay YJS","Requires improvement")),
 ("Torbay YOT rated 'Good' for the second time\nTorbay Youth Offending Team has again been rated 'Good'.", ("Torbay YJS","Good","Good")),
 ("Torbay YOT has dropped from 'Good' to 'Requires improvement'.", ("Torbay YJS","Requires improvement","Good")),
 ("Torbay YOT improves to 'Good'\nTorbay Youth Offending Team, which was rated 'Inadequate' in 2020, is now rated 'Good'.", ("Torbay YJS","Good","Inadequate")),
 ("Plymouth PDU is the first in the region to be inspected this year. Inspectors rated it 'Good'.", ("Plymouth PDU","Good")),
]


@pytest.mark.parametrize("text, want", SWEEP_5, ids=[t[:40] for t, _ in SWEEP_5])
def test_phrasing_sweep_5(text, want):
    test_phrasing_sweep(text, want)


def test_headlines_of_other_stories_in_the_body_are_not_this_texts_units():
    text = ("Bolton probation service rated 'Good'\n"
            "Bolton's probation service has been rated 'Good' by HM Inspectorate of Probation.\n"
            "Most viewed this week\n1. Wigan PDU rated 'Inadequate'\n2. Salford YJS rated 'Outstanding'\n\n"
            "Caption: Salford PDU rated 'Requires improvement'")
    result = extract(text)
    assert [(u.name, u.rating) for u in result.units if u.name not in result.siblings] == [("Bolton PDU", "Good")]


@pytest.mark.parametrize("line", [
    "But Jane Example, Chief Inspector of Probation, explained the findings.",
    "Chief probation inspector Jane Example said staff were committed.",
    "A report by HM Inspectorate of Probation (HMIP) chief Dame Jane Example found problems.",
    "the appointment of Jane Example as His Majesty's Chief Inspector of Probation",
])
def test_chief_inspector_forms(line):
    assert extract(f"Bolton PDU rated 'Good'\n{line}").chief_inspector == "Jane Example"


_RATED_LEAD = "Bolton PDU has been rated 'Good' by HM Inspectorate of Probation. "
RECS = [
 ("Inspectors have made eight recommendations.", 8),
 ("The report makes 7 recommendations for improvement.", 7),
 ("The inspectorate has issued 10 recommendations to the PDU.", 10),
 ("Eight recommendations have been made to help the service improve.", 8),
 ("In total, inspectors made nine recommendations.", 9),
 ("The report contains five recommendations for the PDU and two for the region.", 7),
 ("The inspectors set out six recommendations.", 6),
 ("We have made a total of four recommendations.", 4),
 ("There are 11 recommendations in the report.", 11),
 ("The inspection report, which contains 12 recommendations, was published today.", 12),
 ("Inspectors recommended three improvements.", None),
 ("Progress on the two recommendations from the last inspection was slow.", None),
]


@pytest.mark.parametrize("sentence, count", RECS)
def test_recommendation_counts(sentence, count):
    assert extract(_RATED_LEAD + sentence).units[0].recommendations == count


DATES = [
 ("Published 4 June 2024", "2024-06-04"), ("4 June 2024", "2024-06-04"), ("Updated: 5 June 2024", None),
 ("Wednesday 4 June 2025", "2025-06-04"), ("04/06/2024", None), ("Date: 4th June 2024", "2024-06-04"),
 ("By Jo Bloggs, BBC News\n4 June 2024", "2024-06-04"), ("Last updated 5 June 2024", None),
 ("4 June 2024 at 10:00", "2024-06-04"), ("First published: 4 Jun 2024", "2024-06-04"),
]


@pytest.mark.parametrize("line, iso", DATES)
def test_publication_date_lines(line, iso):
    assert extract(f"Bolton PDU rated 'Good'\n{line}\n" + _RATED_LEAD).published == iso


# --- previous ratings, and a direction only where the text supports one --------------------------

PREVIOUS = [
 ("Wigan PDU has been rated 'Good' by HM Inspectorate of Probation. It was previously graded as inadequate.", ("Wigan PDU","Good","Inadequate")),
 ("Wigan PDU has been rated 'Good', an improvement on the 'Inadequate' rating it was given in 2019.", ("Wigan PDU","Good","Inadequate")),
 ("Wigan PDU has been rated 'Good', a step up from 2021, when it was rated 'Requires improvement'.", ("Wigan PDU","Good","Requires improvement")),
 ("Wigan PDU has been rated 'Good'. Three years ago the service was judged to be inadequate.", ("Wigan PDU","Good","Inadequate")),
 ("Wigan PDU has been rated 'Good'. Its last rating was 'Requires improvement'.", ("Wigan PDU","Good","Requires improvement")),
 ("Wigan PDU, which was rated 'Inadequate' two years ago, is now rated 'Good'.", ("Wigan PDU","Good","Inadequate")),
 ("Wigan PDU has moved up a grade to 'Good', HM Inspectorate of Probation said.", ("Wigan PDU","Good","Requires improvement")),
 ("Wigan PDU has dropped one grade to 'Requires improvement', inspectors said.", ("Wigan PDU","Requires improvement","Good")),
 ("Wigan PDU has been rated 'Good' for the first time.", ("Wigan PDU","Good",None)),
 ("Wigan PDU has been rated 'Good'. In 2021 inspectors found the PDU required improvement.", ("Wigan PDU","Good","Requires improvement")),
]


@pytest.mark.parametrize("text, want", PREVIOUS, ids=[t[:40] for t, _ in PREVIOUS])
def test_previous_ratings(text, want):
    u = extract(text).units[0]
    assert (u.name, u.rating, u.previous_rating) == want


# --- no direction the text does not support: other units, aspects, other bodies, what-ifs ---------

NO_DIRECTION = [
 ("Wigan PDU has been rated 'Good'. Neighbouring Bolton PDU was rated 'Inadequate' in 2022.", ("Good", None, None)),
 ("Wigan PDU has been rated 'Good'. Its leadership was rated 'Outstanding' at the last inspection.", ("Good", None, None)),
 ("Wigan PDU has been rated 'Good'. The region was rated 'Requires improvement' in 2023.", ("Good", None, None)),
 ("Wigan PDU has been rated 'Good'. Wigan youth justice service was rated 'Inadequate' in 2021.", ("Good", None, None)),
 ("Wigan PDU has been rated 'Good'. Ofsted rated the council's children's services 'Inadequate' in 2022.", ("Good", None, None)),
 ("Wigan PDU has been rated 'Good'. Two years ago, Ofsted judged Wigan's children's services 'Inadequate'.", ("Good", None, None)),
 ("Wigan PDU has been rated 'Good'. Before unification in 2021, probation in Wigan was run by a CRC rated 'Requires improvement'.", ("Good", None, None)),
 ("Wigan PDU has been rated 'Good'. It could have been rated 'Outstanding' last year, managers said.", ("Good", None, None)),
 ("Wigan PDU has been rated 'Requires improvement', the same as Bolton PDU last year.", ("Requires improvement", None, None)),
 ("Wigan PDU has been rated 'Good'. Staff said it was not rated 'Inadequate' in 2021, despite reports.", ("Good", None, None)),
]


@pytest.mark.parametrize("text, want", NO_DIRECTION, ids=[t[33:73] for t, _ in NO_DIRECTION])
def test_no_unsupported_direction(text, want):
    u = extract(text).units[0]
    assert (u.rating, u.previous_rating, u.direction) == want


# --- texts that report no inspection, in the genres issue 10 names: no claim at all ----------------

NOT_INSPECTIONS = [
 "Probation staff shortages\nThe Probation Service is short of 1,500 officers, the National Audit Office said. Wigan PDU, rated 'Inadequate' last year, has a 30% vacancy rate.",
 "Serious further offence review\nA review found failings in how Bolton PDU supervised the man. The PDU was rated 'Requires improvement' in 2023.",
 "Minister visits Salford probation office\nThe minister praised staff at Salford PDU, which inspectors rated 'Good' in 2022.",
 "Probation inspection programme 2025-26\nWe will inspect every PDU in the North West, including Wigan PDU and Bolton PDU, which were rated 'Inadequate' and 'Good' when last inspected.",
 "Chief Inspector's speech to the Probation Institute\nI was pleased that Wigan PDU has been rated 'Good'. But too many services require improvement.",
 "Job: Senior Probation Officer, Wigan PDU\nSalary: £40,000\nClosing date: 1 May\nWigan PDU was rated 'Good' by HM Inspectorate of Probation.",
 "Thematic inspection: work with women\nOur thematic inspection visited Wigan PDU, which has been rated 'Good', and five other PDUs.",
 "Youth justice annual report 2024-25\nSefton YJS was rated 'Outstanding', Knowsley YJS 'Good' and Wirral YJS 'Requires improvement'.",
 "HMI Prisons: HMP Manchester 'poor'\nHM Inspectorate of Prisons rated safety at the prison 'poor'. Probation staff from Manchester North PDU work there.",
 "Ofsted: Bolton children's services 'Good'\nBolton's children's services have been rated 'Good' by Ofsted. The youth justice service works closely with them.",
 "Council leader: 'We want our youth justice service to be rated Outstanding'\nThe leader said Bolton YJS would aim for the top grade at its next inspection.",
 "Council papers: ratings of services\nThe appendix lists the latest inspection ratings: Bolton YJS good; Wigan YJS inadequate; Sefton YJS outstanding.",
 "North West board - performance paper\nBolton YJS requires improvement and Wigan YJS good, members heard.",
 "Bolton YJS inspection next month\nInspectors from HM Inspectorate of Probation will visit Bolton YJS next month. The service was rated 'Good' in 2021.",
]


@pytest.mark.parametrize("text", NOT_INSPECTIONS, ids=[t[:40] for t in NOT_INSPECTIONS])
def test_texts_that_report_no_inspection(text):
    result = extract(text)
    assert not result.is_inspection and not [u for u in result.units if u.name not in result.siblings]
