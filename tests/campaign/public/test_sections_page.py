"""The campaign page shows the sections its language has, in order, without extra queries,
and organizer text in them never becomes HTML of its own."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.campaigns.models import CampaignTranslation

EU = "banfacialrecognitioneu"
URL = f"/en/{EU}/"
EMPTY = ("sources", "faq", "myths", "timeline", "resources", "contact")
SECTIONS = {
    "why": "At least 15 countries [1].",
    "sources": "Report <script>x()</script> | EDRi | 2020-05 | https://edri.org/report\n"
    "Leaflet | Coalition | | javascript:alert(1)",
    "faq": "### Is it <b>banned</b>?\n\nNot entirely [2].",
    "timeline": "2020-05 | Report [1].",
}


def english(**texts: str) -> None:
    CampaignTranslation.objects.filter(campaign__slug=EU, language="en").update(**texts)


def page_queries(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_page_shows_present_sections_only_and_costs_no_extra_query(client, campaigns):
    english(why="Plain reasons.", **dict.fromkeys(EMPTY, ""))
    plain, plain_queries = page_queries(client)
    assert 'id="sources"' in plain and 'id="faq"' not in plain
    assert 'class="on-this-page"' not in plain  # one section: nothing to navigate
    english(**{**dict.fromkeys(EMPTY, ""), **SECTIONS})
    page, queries = page_queries(client)
    assert queries == plain_queries
    assert (
        '<ul>\n      <li><a href="#sources">Why it matters</a></li>\n'
        '      <li><a href="#faq">Questions and answers</a></li>\n'
        '      <li><a href="#timeline">Timeline</a></li>\n    </ul>'
    ) in page
    assert page.index('id="sources"') < page.index('id="faq"') < page.index('id="timeline"')
    assert 'id="myths"' not in page and 'id="resources"' not in page
    assert (
        '<li id="source-1"><a href="https://edri.org/report" rel="nofollow noopener">'
        "Report &lt;script&gt;x()&lt;/script&gt;</a>, "
        '<span class="publisher">EDRi</span>, <time datetime="2020-05">May 2020</time> '
        '<a class="backlink" href="#cite-1" aria-label="Back to the text">↑</a></li>'
    ) in page
    # An address that is not http(s) is shown as nothing, never linked.
    assert (
        '<li id="source-2">Leaflet, <span class="publisher">Coalition</span> '
        '<a class="backlink" href="#cite-2" aria-label="Back to the text">↑</a></li>'
    ) in page
    assert "javascript:" not in page
    assert "<summary>Is it &lt;b&gt;banned&lt;/b&gt;?</summary>" in page


def test_page_in_another_language_shows_that_languages_sections(client, campaigns):
    CampaignTranslation.objects.filter(campaign__slug=EU, language="de").update(
        needs_review=False, timeline="2024-07-12 | Die KI-Verordnung erscheint."
    )
    page = client.get(f"/de/{EU}/").content.decode()
    assert '<h2 id="timeline-heading">Chronik</h2>' in page
    assert '<time datetime="2024-07-12">12. Juli 2024</time>' in page
