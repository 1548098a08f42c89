"""HTML and PDF in, the article's text out; a report PDF built here reads like a real one."""

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
