"""Updates end to end in Chromium: an organizer writes one and translates it into German, an
owner publishes it after ticking the confirmation, and it shows on the campaign page, on the
updates page and in the Atom feed; axe finds nothing on the organizer pages and on the public
updates page at 320 px."""

from __future__ import annotations

import pytest
from lxml import etree

from campaign.campaigns.models import CampaignMembership, CampaignUpdate
from tests import factories
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_translation_workspace import screenshot, signed_in_page
from tests.campaign.organize.conftest import make_user

EU = "banfacialrecognitioneu"
ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def team(campaigns):
    campaign = campaigns[EU]
    # German is offered on the public pages (reviewed), so a German reader gets German.
    campaign.translations.filter(language="de").update(is_published=True, needs_review=False)
    people = {}
    for role in ("organizer", "owner"):
        people[role] = make_user(f"{role}@example.org")
        CampaignMembership.objects.create(user=people[role], campaign=campaign, role=role)
    return people


def test_write_translate_publish_and_read(page_factory, site, team):
    organizer = signed_in_page(page_factory, site, team["organizer"])
    organizer.goto(f"{site}/organize/{EU}/")
    organizer.click("nav >> text=Updates")
    organizer.wait_for_url(f"{site}/organize/{EU}/updates/")
    # An empty form: the errors are shown next to the fields.
    organizer.click("text=Save draft")
    assert organizer.locator(".has-error").count() == 2
    organizer.fill("#id_new-title", "We met the rapporteur")
    organizer.fill("#id_new-body", "A good meeting.\n\nNext: the committee vote.")
    organizer.click("text=Save draft")
    organizer.wait_for_url(f"{site}/organize/{EU}/updates/we-met-the-rapporteur/")
    assert "The update was saved." in organizer.inner_text(".messages")
    # An organizer sees no publish form.
    assert organizer.locator("#confirm-publish").count() == 0

    organizer.click("table >> text=Deutsch")
    organizer.wait_for_url(f"{site}/organize/{EU}/updates/we-met-the-rapporteur/de/")
    assert organizer.inner_text("#source-title").startswith("Title")
    organizer.fill("#id_title", "Wir haben den Berichterstatter getroffen")
    organizer.fill("#id_body", "Ein gutes Treffen.\n\nAls Nächstes: die Abstimmung im Ausschuss.")
    organizer.click("text=Save translation")
    organizer.wait_for_url(f"{site}/organize/{EU}/updates/we-met-the-rapporteur/de/")
    organizer.click("text=Mark reviewed")
    organizer.wait_for_url(f"{site}/organize/{EU}/updates/we-met-the-rapporteur/de/")
    assert "Marked as reviewed." in organizer.inner_text(".messages")

    owner = signed_in_page(page_factory, site, team["owner"])
    owner.goto(f"{site}/organize/{EU}/updates/we-met-the-rapporteur/")
    # Publishing needs the ticked confirmation (the browser refuses the form without it).
    owner.click("button:has-text('Publish')")
    assert CampaignUpdate.objects.get(slug="we-met-the-rapporteur").published_at is None
    owner.check("#confirm-publish")
    owner.click("button:has-text('Publish')")
    owner.wait_for_url(f"{site}/organize/{EU}/updates/we-met-the-rapporteur/")
    assert "The update is published." in owner.inner_text(".messages")
    assert CampaignUpdate.objects.get(slug="we-met-the-rapporteur").published_at is not None

    reader = page_factory(javascript=False)
    reader.goto(f"{site}/de/{EU}/")
    section = reader.locator("section.campaign-updates")
    assert "Wir haben den Berichterstatter getroffen" in section.inner_text()
    reader.click("text=Wir haben den Berichterstatter getroffen")
    reader.wait_for_url(f"{site}/de/{EU}/updates/we-met-the-rapporteur/")
    assert reader.inner_text("h1") == "Wir haben den Berichterstatter getroffen"
    assert reader.context.cookies() == []

    feed_href = reader.get_attribute('link[type="application/atom+xml"]', "href")
    assert feed_href == f"/de/{EU}/updates.atom"
    answer = reader.request.get(f"{site}{feed_href}")
    feed = etree.fromstring(answer.body())
    assert feed.findtext("a:entry/a:title", namespaces=ATOM) == (
        "Wir haben den Berichterstatter getroffen"
    )
    assert "set-cookie" not in answer.headers


def test_axe_finds_nothing_on_the_organizer_and_public_pages_at_320px(
    page_factory, site, campaigns, team
):
    campaign = campaigns[EU]
    factories.campaign_update(
        campaign=campaign,
        slug="hearing",
        title="A hearing in Parliament",
        body="The committee heard us.\n\nRead the [minutes](https://example.org/minutes).",
        translations={"de": ("Anhörung im Parlament", "Der Ausschuss hörte uns.")},
    )
    factories.campaign_update(campaign=campaign, slug="draft", title="A draft", published=False)
    owner = signed_in_page(page_factory, site, team["owner"], width=320, height=720)
    for path, name in [
        (f"/organize/{EU}/updates/", "organize-updates"),
        (f"/organize/{EU}/updates/hearing/", "organize-update"),
        (f"/organize/{EU}/updates/hearing/de/", "organize-update-de"),
        (f"/organize/{EU}/updates/draft/", "organize-draft"),
    ]:
        owner.goto(f"{site}{path}")
        screenshot(owner, name)
        assert axe_violations(owner) == [], path
        assert owner.evaluate("document.documentElement.scrollWidth") <= 320, path
    reader = page_factory(javascript=True, width=320, height=720)
    for path, name in [
        (f"/en/{EU}/updates/", "public-updates"),
        (f"/de/{EU}/updates/hearing/", "public-update-de"),
        (f"/en/{EU}/", "campaign-page"),
    ]:
        reader.goto(f"{site}{path}")
        screenshot(reader, name)
        assert axe_violations(reader) == [], path
        assert reader.evaluate("document.documentElement.scrollWidth") <= 320, path
