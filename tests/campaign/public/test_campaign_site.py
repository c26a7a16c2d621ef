"""Issue 16's acceptance, page by page: both launch campaigns, in every language they offer,
show cited sources, questions and answers, the timeline, the coalition and the updates, and
link an Atom feed that validates; the home page shows a card per campaign."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import translation

from campaign.campaigns.content import get_campaign, offered_languages
from petitions.seeding import CONTENT_DIR
from tests.atom import assert_valid_atom, parse_feed

CAMPAIGNS = sorted(path.stem for path in CONTENT_DIR.glob("*.json"))
FEED_LINK = re.compile(
    r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">'
)


def pages():
    """(slug, language) for every language each seed file offers (checked against the
    database in the test, so a language the campaign stops offering fails loudly)."""
    for slug in CAMPAIGNS:
        data = json.loads((CONTENT_DIR / f"{slug}.json").read_text(encoding="utf-8"))
        for language in data["translations"]:
            yield slug, language


@pytest.mark.parametrize("slug,language", list(pages()))
def test_every_language_shows_the_campaign_site_and_links_a_valid_feed(
    client, campaigns, slug, language
):
    assert language in offered_languages(get_campaign(slug))
    response = client.get(f"/{language}/{slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'<ol class="sources"', page)
    cited = set(re.findall(r'<a href="#source-(\d+)" id="cite-\d+"', page))
    listed = set(re.findall(r'<li id="source-(\d+)">', page))
    assert cited and cited == listed  # every source cited, every citation listed
    for section in ("faq", "myths", "timeline", "resources", "contact"):
        assert f'<section id="{section}" aria-labelledby="{section}-heading">' in page
    assert page.count('<details class="faq-item">') >= 5
    assert 'aria-labelledby="coalition-heading"' in page
    assert '<section class="campaign-updates" aria-labelledby="updates-heading">' in page
    assert f"/{language}/{slug}/updates/launch/" in page  # the seeded launch update
    feeds = FEED_LINK.findall(page)
    assert feeds == [f"/{language}/{slug}/updates.atom"]
    feed = client.get(feeds[0])
    assert feed.status_code == 200
    root = parse_feed(feed)
    assert_valid_atom(root)
    assert len(root.findall("{http://www.w3.org/2005/Atom}entry")) >= 1


def test_home_page_shows_a_card_per_campaign(client, campaigns):
    with translation.override("en"):
        page = client.get("/en/").content.decode()
    for slug in CAMPAIGNS:
        hashtag = get_campaign(slug).hashtag
        assert hashtag in page
        assert f'href="/en/{slug}/#sign"' in page
