"""HTML and PDF in, the article's text out; a report PDF built here reads like a real one."""

import subprocess
import sys
from pathlib import Path

import pytest
from fpdf import FPDF

from bot.convert import bytes_to_page, read_source
from bot.errors import InputError
from bot.extract import extract

ARTICLE = """<!DOCTYPE html><html><head><title>Site</title>
<meta property="article:published_time" content="2025-05-14T00:01:00+00:00"></head><body>
<div class="cookie-banner"><p>Are you OK with cookies? Wakefield PDU was rated 'Good'.</p></div>
<nav><a href="/">Home</a></nav>
<main><article><h1>Wigan PDU &#8211; &#8216;Requires improvement&#8217;</h1>
<p>Wigan Probation Delivery Unit (PDU) has received an overall rating of &#8216;Requires improvement&#8217;.</p>
<table><tr><td>1.1 Leadership</td><td>Good</td></tr><tr><td>2.2 Assessment</td><td>Inadequate</td></tr></table>
</article>
<aside class="related"><h2>Related</h2><p>'Outstanding' Bolton PDU leads the way</p></aside></main>
<footer><p>Doncaster PDU rated 'Inadequate'</p></footer></body></html>"""


def test_html_keeps_the_article_and_drops_furniture():
    page = bytes_to_page(ARTICLE.encode(), "https://example.org/wigan")
    assert page.title.startswith("Wigan PDU")
    assert page.published == "2025-05-14"
    assert "Wigan Probation Delivery Unit" in page.text
    for furniture in ("cookies", "Bolton", "Doncaster", "Home"):
        assert furniture not in page.text
    result = extract(page.text, title=page.title, published=page.published)
    assert [(u.name, u.rating) for u in result.units] == [("Wigan PDU", "Requires improvement")]
    assert result.standards == {"1.1 Leadership": "Good", "2.2 Assessment": "Inadequate"}
    assert result.published == "2025-05-14"


def _report_pdf(path, *, with_text=True):
    """A two-page inspection report with a ratings table split the way PDF text often is."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    if with_text:
        for line in ("An inspection of probation services in:", "Croydon PDU",
                     "The Probation Service - London region", "HM Inspectorate of Probation, March 2024"):
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        pdf.add_page()
        pdf.multi_cell(0, 6, "This was the first Probation Delivery Unit (PDU) inspection of services "
                             "within Croydon since the unification of probation services in June 2021. "
                             "As a result of this, the PDU is rated 'Inadequate'.")
        pdf.cell(0, 8, "Ratings", new_x="LMARGIN", new_y="NEXT")
        rows = [("Croydon PDU", "Score", "2/24"), ("Ove", "rall rating", "Inadequate"),
                ("1.1", "Leadership", "Requires improvement"), ("1.2", "Staff", "Inadequate"),
                ("2.2", "Assessment", "Inadequate"), ("2.3", "Planning", "Inadequate")]
        for a, b, c in rows:
            pdf.cell(20, 8, a)
            pdf.cell(60, 8, b)
            pdf.cell(0, 8, c, new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 8, "Recommendations", new_x="LMARGIN", new_y="NEXT")
        for i, rec in enumerate(("improve management oversight", "reduce workloads",
                                 "improve risk assessment"), 1):
            pdf.cell(0, 8, f"{i}. {rec}", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 8, "Background", new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.rect(20, 20, 100, 60)  # a scan: shapes, no text layer
    pdf.output(str(path))


def test_report_pdf_gives_rating_score_standards_and_recommendations(tmp_path):
    path = tmp_path / "croydon.pdf"
    _report_pdf(path)
    page = read_source(str(path))
    assert page.kind == "pdf"
    result = extract(page.text)
    unit = result.units[0]
    assert (unit.name, unit.rating, unit.score, unit.direction) == ("Croydon PDU", "Inadequate", "2/24", "new")
    assert unit.recommendations == 3
    assert result.standards == {"1.1 Leadership": "Requires improvement", "1.2 Staff": "Inadequate",
                                "2.2 Assessment": "Inadequate", "2.3 Planning": "Inadequate"}


def test_pdf_without_text_layer_is_a_clear_error(tmp_path):
    path = tmp_path / "scan.pdf"
    _report_pdf(path, with_text=False)
    with pytest.raises(InputError, match="scan.pdf: the PDF has no text layer"):
        read_source(str(path))


@pytest.mark.parametrize("content, message", [
    (b"", "empty document"), (b"\x00\x01\x02binary", "binary file"),
    (b"%PDF-1.4 truncated garbage", "not a readable PDF"),
])
def test_unreadable_files_name_the_file(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=f"bad.txt: {message}"):
        read_source(str(path))


def test_missing_file_and_non_http_url():
    with pytest.raises(InputError, match="nope.txt: no such file"):
        read_source("nope.txt")
    with pytest.raises(InputError, match="only http"):
        read_source("file:///etc/passwd")


def test_windows_1252_text_is_read(tmp_path):
    path = tmp_path / "release.txt"
    path.write_bytes("Wirral PDU has received an overall rating of \x91Good\x92.".encode("latin-1"))
    assert extract(read_source(str(path)).text).units[0].rating == "Good"


# A local paper's page in a common WordPress theme (issue 11): the article sits in a wrapper whose
# class names a sidebar, a "Related articles" label sits inside its column, and readers' comments
# (themselves <article>s) and "Leave a Reply" follow it.
BLOG = """<!DOCTYPE html><html lang="en"><head><title>Local probation news</title></head><body>
<div class="site-container"><header class="site-header"><a href="/">The Valley Gazette</a></header>
<nav class="nav-primary"><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="site-inner"><div class="content-sidebar-wrap"><main class="content">
<article class="post type-post entry"><header class="entry-header"><h1 class="entry-title">Inspectors rate Ashdown probation team 'Good'</h1>
<p class="entry-meta">Posted on <time class="entry-time">12 March 2025</time> by A Reporter</p></header>
<div class="entry-content">
<p>The probation team serving Ashdown has been rated 'Good' by inspectors after a visit in the autumn, the first time it has reached that grade.</p>
<p>Inspectors praised the way officers planned their work with people leaving prison, and said managers knew their staff well.</p>
<h3>Related articles</h3>
<p>The team's manager said the rating reflected two years of steady work to fill vacancies and cut caseloads across the district.</p>
<p>The report makes three recommendations, including better checks on home visits where children live in the household.</p>
<p><a href="/wp-content/uploads/ashdown-inspection-report.pdf">Read the inspection report</a></p>
</div></article>
<div class="related-posts"><h3>Latest news</h3><ul><li><a href="/b">Brookfield team rated 'Inadequate' after inspection visit</a></li></ul></div>
<div id="comments" class="comments-area"><h2 class="comments-title">3 thoughts on this story</h2>
<ol class="comment-list"><li class="comment"><article class="comment-body"><p>I was on probation there and the staff were rubbish, should have been rated inadequate.</p></article></li></ol>
<div id="respond"><h3>Leave a Reply</h3><form><textarea></textarea></form></div></div>
</main><aside class="sidebar"><section class="widget"><h3>Most read</h3><p>Council tax to rise again next spring</p></section></aside>
</div></div><footer class="site-footer"><p>Copyright 2025 The Valley Gazette</p></footer></div></body></html>"""


def test_a_news_page_keeps_its_article_and_drops_comments_lists_and_sidebars():
    page = bytes_to_page(BLOG.encode(), "https://gazette.example/news/ashdown", "text/html")

    assert page.title == "Inspectors rate Ashdown probation team 'Good'"
    assert page.text.startswith(page.title + "\n")
    for kept in ("the first time it has reached that grade", "two years of steady work",
                 "The report makes three recommendations"):
        assert kept in page.text
    for dropped in ("should have been rated inadequate", "Leave a Reply", "Brookfield", "Council tax",
                    "The Valley Gazette", "Sport"):
        assert dropped not in page.text
    assert page.published == "2025-03-12"  # "Posted on 12 March 2025" in the byline
    # trafilatura leaves out a paragraph that is only a link; the report is found all the same
    assert page.report_links == ("https://gazette.example/wp-content/uploads/ashdown-inspection-report.pdf",)


def test_a_govuk_page_dated_only_by_its_published_line():
    html = """<html><head><title>Doncaster YJS - GOV.UK</title></head><body><main>
<div class="gem-c-metadata"><dl><dt>From:</dt><dd>HM Inspectorate of Probation</dd>
<dt>Published</dt><dd>9 July 2021</dd></dl></div>
<div class="govuk-govspeak"><h1>Doncaster youth justice services rated 'Outstanding'</h1>
<p>The youth justice services in Doncaster have been rated 'Outstanding' by inspectors, who found
strong leadership and staff who knew the children they worked with well. They also said that the
partnership board held every agency to account, and that the work to keep children safe was good.</p>
</div></main></body></html>"""
    page = bytes_to_page(html.encode(), "https://www.gov.uk/government/news/doncaster", "text/html")
    assert page.published == "2021-07-09"
    assert "From:" not in page.text and "partnership board" in page.text


def test_a_page_with_too_little_for_trafilatura_is_read_by_hand():
    html = """<html><head><title>HM Inspectorate of Probation</title></head><body>
<header class="site-header"><nav><ul><li><a href="/">Home</a></li></ul></nav></header>
<main id="main"><h1>HM Inspectorate of Probation</h1>
<p>We inspect youth justice and probation services.</p></main></body></html>"""
    page = bytes_to_page(html.encode(), "https://example.org/", "text/html")
    assert page.text == "HM Inspectorate of Probation\n\nWe inspect youth justice and probation services."


def test_converting_loads_no_extractor():
    """The pipeline reads a page before it extracts: convert never imports bot.extract (issue 12)."""
    code = ("import sys; from bot.convert import bytes_to_page; "
            "bytes_to_page(b'<html><body><h1>A</h1><p>Published 1 May 2024</p></body></html>', 'x.html'); "
            "print(sorted(m for m in sys.modules if m.startswith('bot.extract')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent).stdout
    assert out.strip() == "[]"
