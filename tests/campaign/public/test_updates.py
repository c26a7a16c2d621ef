"""The public updates: the campaign page's latest three, the updates page with anchors and
permalinks, the Atom feed (valid against RFC 4287's RELAX NG schema and its other rules), the
sitemap, cache headers without cookies, 404s and language redirects."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from lxml import etree

from campaign.campaigns.models import Campaign, CampaignUpdate
from tests import factories
from tests.atom import ATOM, NS, SCHEMA, XML_LANG, assert_valid_atom, parse_feed

EU = "banfacialrecognitioneu"
BR = "tiremeurostodasuamira"


@pytest.fixture
def eu(campaigns):
    """The EU campaign with three published updates (one with Greek and German translations,
    one unreviewed in Greek), a draft, and the Greek and German pages offered."""
    campaign = campaigns[EU]
    # Exactly these updates, whatever seeding adds (rolled back after the test).
    CampaignUpdate.objects.filter(campaign=campaign).delete()
    campaign.publish_unreviewed = False
    campaign.save(update_fields=["publish_unreviewed"])
    campaign.translations.filter(language__in=["el", "de"]).update(
        is_published=True, needs_review=False
    )
    now = timezone.now()
    factories.campaign_update(
        campaign=campaign,
        slug="launch",
        title="The campaign starts",
        body="We launch today.",
        published_at=now - datetime.timedelta(days=30),
    )
    factories.campaign_update(
        campaign=campaign,
        slug="hearing",
        title="A hearing in Parliament",
        body="The committee heard us <script>alert(1)</script>.\n\n"
        "Read the [minutes](https://example.org/minutes).",
        published_at=now - datetime.timedelta(days=10),
        translations={
            "el": ("Ακρόαση στο Κοινοβούλιο", "Η επιτροπή μας άκουσε.\n\nΕπόμενο βήμα: η ψηφοφορία."),
            "de": ("Anhörung im Parlament", "Der Ausschuss hörte uns."),
        },
        reviewed=True,
    )  # fmt: skip
    factories.campaign_update(
        campaign=campaign,
        slug="vote",
        title="The vote is set",
        body="Parliament votes in May.",
        published_at=now - datetime.timedelta(days=1),
        translations={"el": ("Η ψηφοφορία ορίστηκε", "Μη ελεγμένο.")},
    )
    factories.campaign_update(
        campaign=campaign, slug="secret-plan", title="Not yet", body="Draft.", published=False
    )
    factories.campaign_update(
        campaign=campaign,
        slug="oldest",
        title="The oldest news",
        body="Long ago.",
        published_at=now - datetime.timedelta(days=60),
    )
    return campaign


def entries(feed) -> list[dict]:
    return [
        {
            "id": e.findtext("a:id", namespaces=NS),
            "title": e.findtext("a:title", namespaces=NS),
            "lang": e.get(XML_LANG),
            "link": e.find("a:link", NS).get("href"),
        }
        for e in feed.findall("a:entry", NS)
    ]


def test_campaign_page_shows_the_latest_three_and_links_the_feed(client, eu):
    response = client.get(f"/en/{EU}/")
    body = response.content.decode()
    titles = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', body)
    assert titles == ["The vote is set", "A hearing in Parliament", "The campaign starts"]
    assert f'<a href="/en/{EU}/updates/vote/">The vote is set</a>' in body
    assert f'<a href="/en/{EU}/updates/">All updates</a>' in body
    title = escape(eu.translations.get(language="en").title)
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Updates: {title}" '
        f'href="/en/{EU}/updates.atom">'
    ) in body
    # Drafts never reach the page, nor does a script tag.
    assert "Not yet" not in body
    assert "<script>alert" not in body


def test_campaign_page_without_updates_has_no_updates_section_but_links_the_feed(client, campaigns):
    CampaignUpdate.objects.filter(campaign=campaigns[BR]).delete()
    body = client.get(f"/pt-br/{BR}/").content.decode()
    assert 'class="campaign-updates"' not in body
    assert 'type="application/atom+xml"' in body and f'href="/pt-br/{BR}/updates.atom"' in body


def test_list_shows_the_first_paragraph_of_a_long_text(client, eu):
    long_body = "First paragraph, the gist.\n\n" + "More detail. " * 60
    factories.campaign_update(campaign=eu, slug="long", title="Long news", body=long_body)
    body = client.get(f"/en/{EU}/").content.decode()
    assert "<p>First paragraph, the gist.</p>" in body
    assert "More detail." not in body
    assert "More detail." in client.get(f"/en/{EU}/updates/long/").content.decode()


def test_updates_page_lists_every_published_update_with_anchors(client, eu):
    response = client.get(f"/en/{EU}/updates/")
    assert response.status_code == 200
    body = response.content.decode()
    assert re.findall(r'<article class="update" id="update-([a-z-]+)"', body) == [
        "vote",
        "hearing",
        "launch",
        "oldest",
    ]
    assert f'<a href="/en/{EU}/updates/hearing/">A hearing in Parliament</a>' in body
    assert '<a href="https://example.org/minutes" rel="nofollow noopener">minutes</a>' in body
    # Markup the text may not use stays text.
    assert "heard us &lt;script&gt;alert(1)&lt;/script&gt;.</p>" in body
    assert "<script>alert" not in body
    assert f'<link rel="canonical" href="http://testserver/en/{EU}/updates/">' in body
    assert f'href="/en/{EU}/updates.atom"' in body
    assert (
        '<link rel="alternate" hreflang="el" href="http://testserver/el/' + EU + '/updates/">'
        in body
    )


def test_greek_reader_sees_reviewed_greek_and_the_rest_in_english(client, eu):
    body = client.get(f"/el/{EU}/updates/").content.decode()
    assert '<article class="update" id="update-hearing" aria-labelledby' in body
    assert "Ακρόαση στο Κοινοβούλιο" in body
    # Unreviewed Greek is not shown (publish_unreviewed is off): English, marked as such.
    assert '<article class="update" id="update-vote" lang="en"' in body
    assert "Η ψηφοφορία ορίστηκε" not in body


def test_permalink_and_drafts(client, eu):
    response = client.get(f"/de/{EU}/updates/hearing/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Anhörung im Parlament</h1>" in body
    assert f'<link rel="canonical" href="http://testserver/de/{EU}/updates/hearing/">' in body
    assert client.get(f"/en/{EU}/updates/secret-plan/").status_code == 404
    assert client.get(f"/en/{EU}/updates/no-such-update/").status_code == 404


def test_unpublished_campaigns_answer_404(client, eu):
    Campaign.objects.filter(pk=eu.pk).update(published_at=None)
    for path in ("updates/", "updates/hearing/", "updates.atom"):
        assert client.get(f"/en/{EU}/{path}").status_code == 404


def test_a_language_the_campaign_does_not_offer_redirects(client, eu):
    # The BR campaign offers pt-br, en and es; a Greek reader goes to English.
    factories.campaign_update(campaign=Campaign.objects.get(slug=BR), slug="inicio-teste")
    assert client.get(f"/el/{BR}/updates/")["Location"] == f"/en/{BR}/updates/"
    assert client.get(f"/el/{BR}/updates/inicio-teste/")["Location"] == (
        f"/en/{BR}/updates/inicio-teste/"
    )
    assert client.get(f"/el/{BR}/updates.atom")["Location"] == f"/en/{BR}/updates.atom"


@pytest.mark.parametrize("path", ["updates/", "updates/hearing/", "updates.atom"])
def test_public_cacheable_and_cookie_free(client, eu, settings, path):
    response = client.get(f"/en/{EU}/{path}")
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Set-Cookie" not in response
    assert response["Cache-Control"] == f"public, max-age={settings.PUBLIC_CACHE_SECONDS}"


def test_feed_is_valid_atom_in_english(client, eu):
    feed = parse_feed(client.get(f"/en/{EU}/updates.atom"))
    assert_valid_atom(feed)
    assert feed.get(XML_LANG) == "en"
    assert feed.findtext("a:id", namespaces=NS) == f"http://testserver/en/{EU}/updates.atom"
    links = {link.get("rel"): link.get("href") for link in feed.findall("a:link", NS)}
    assert links == {
        "self": f"http://testserver/en/{EU}/updates.atom",
        "alternate": f"http://testserver/en/{EU}/updates/",
    }
    assert feed.findtext("a:author/a:name", namespaces=NS) == "#BanFacialRecognitionEU"
    assert feed.findtext("a:title", namespaces=NS).startswith("Updates: ")
    assert entries(feed) == [
        {
            "id": f"http://testserver/en/{EU}/updates/{slug}/",
            "title": title,
            "lang": "en",
            "link": f"http://testserver/en/{EU}/updates/{slug}/",
        }
        for slug, title in [
            ("vote", "The vote is set"),
            ("hearing", "A hearing in Parliament"),
            ("launch", "The campaign starts"),
            ("oldest", "The oldest news"),
        ]
    ]
    # The feed's updated is its newest entry's.
    newest = max(parse_datetime(e.text) for e in feed.findall("a:entry/a:updated", NS))
    assert parse_datetime(feed.findtext("a:updated", namespaces=NS)) == newest
    hearing = feed.findall("a:entry", NS)[1]
    # The full text, sanitised as on the page; the summary is its first paragraph.
    assert hearing.findtext("a:content", namespaces=NS) == (
        "<p>The committee heard us &lt;script&gt;alert(1)&lt;/script&gt;.</p>\n"
        '<p>Read the <a href="https://example.org/minutes" rel="nofollow noopener">minutes</a>.</p>\n'
    )
    assert hearing.findtext("a:summary", namespaces=NS) == (
        "<p>The committee heard us &lt;script&gt;alert(1)&lt;/script&gt;.</p>\n"
    )


def test_feed_is_valid_atom_in_greek_with_each_entry_language(client, eu):
    feed = parse_feed(client.get(f"/el/{EU}/updates.atom"))
    assert_valid_atom(feed)
    assert feed.get(XML_LANG) == "el"
    assert [(e["title"], e["lang"]) for e in entries(feed)] == [
        ("The vote is set", "en"),
        ("Ακρόαση στο Κοινοβούλιο", "el"),
        ("The campaign starts", "en"),
        ("The oldest news", "en"),
    ]
    greek = feed.findall("a:entry", NS)[1]
    assert greek.findtext("a:content", namespaces=NS) == (
        "<p>Η επιτροπή μας άκουσε.</p>\n<p>Επόμενο βήμα: η ψηφοφορία.</p>\n"
    )
    assert greek.findtext("a:summary", namespaces=NS) == "<p>Η επιτροπή μας άκουσε.</p>\n"
    # The same update has a different entry id in each language's feed.
    assert entries(feed)[1]["id"] == f"http://testserver/el/{EU}/updates/hearing/"


def test_feed_without_updates_is_valid_and_dated_by_the_campaign(client, campaigns):
    campaign = campaigns[BR]
    CampaignUpdate.objects.filter(campaign=campaign).delete()
    feed = parse_feed(client.get(f"/pt-br/{BR}/updates.atom"))
    assert_valid_atom(feed)
    assert feed.findall("a:entry", NS) == []
    assert parse_datetime(feed.findtext("a:updated", namespaces=NS)) == campaign.published_at
    assert feed.get(XML_LANG) == "pt-BR"


def test_the_schema_check_catches_an_invalid_feed():
    bad = etree.fromstring(
        f'<feed xmlns="{ATOM}"><title>t</title><updated>yesterday</updated></feed>'.encode()
    )
    assert not SCHEMA.validate(bad)


def test_sitemap_lists_updates_pages_in_every_offered_language(client, eu):
    response = client.get("/sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = etree.fromstring(response.content)
    urls = {
        u.findtext("s:loc", namespaces=ns): {
            link.get("hreflang"): link.get("href") for link in u.findall("x:link", ns)
        }
        for u in root.findall("s:url", ns)
    }
    paths = sorted(urlsplit(loc).path for loc in urls if f"/{EU}/updates/" in loc)
    languages = ["de", "el", "en"]  # offered: the primary language and the reviewed ones
    expected = [
        f"/{code}/{EU}/updates/{slug}"
        for code in languages
        for slug in ("", "hearing/", "launch/", "oldest/", "vote/")
    ]
    assert paths == sorted(expected)
    alternates = urls[f"http://testserver/el/{EU}/updates/hearing/"]
    assert alternates["el"] == f"http://testserver/el/{EU}/updates/hearing/"
    assert alternates["x-default"] == f"http://testserver/en/{EU}/updates/hearing/"
