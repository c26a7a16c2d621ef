"""Which language a visitor gets, which translations are published, and dates in sentences."""

from __future__ import annotations

import datetime
import re

import pytest

from campaign.campaigns.models import Campaign, CampaignTranslation

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"


def hreflangs(body: str) -> list[str]:
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)"', body)


def final_path(client, path: str, **headers) -> str:
    response = client.get(path, follow=True, **headers)
    assert response.status_code == 200
    return response.redirect_chain[-1][0] if response.redirect_chain else path


def test_brazilian_portuguese_visitor_of_the_eu_campaign_gets_portuguese(client, campaigns):
    response = client.get(f"/pt-br/{EU}/")
    assert (response.status_code, response["Location"]) == (302, f"/pt/{EU}/")
    assert final_path(client, f"/{EU}/", HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9") == f"/pt/{EU}/"


def test_german_visitor_of_the_brazilian_campaign_gets_english(client, campaigns):
    response = client.get(f"/de/{BR}/")
    assert (response.status_code, response["Location"]) == (302, f"/en/{BR}/")
    assert final_path(client, f"/{BR}/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9") == f"/en/{BR}/"


def test_european_portuguese_visitor_of_the_brazilian_campaign_gets_brazilian_portuguese(
    client, campaigns
):
    response = client.get(f"/pt/{BR}/")
    assert (response.status_code, response["Location"]) == (302, f"/pt-br/{BR}/")


def test_root_sends_a_brazilian_visitor_to_the_brazilian_list(client, campaigns):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert (response.status_code, response["Location"]) == (302, "/pt-br/")
    body = client.get("/pt-br/").content.decode()
    # The EU campaign's card is in the nearest language it offers: Portuguese.
    portuguese_title = CampaignTranslation.objects.get(campaign__slug=EU, language="pt").title
    assert portuguese_title in body


def test_seeding_publishes_the_launch_campaigns_unreviewed_translations(campaigns):
    assert {slug: c.publish_unreviewed for slug, c in campaigns.items()} == {BR: True, EU: True}
    assert Campaign._meta.get_field("publish_unreviewed").default is False


def test_published_unreviewed_translation_says_so(client, campaigns):
    german = client.get(f"/de/{EU}/").content.decode()
    assert '<p class="translation-notice">Diese Übersetzung wurde noch nicht geprüft.</p>' in german
    assert 'class="translation-notice"' not in client.get(f"/en/{EU}/").content.decode()
    CampaignTranslation.objects.filter(campaign__slug=EU, language="de").update(needs_review=False)
    assert 'class="translation-notice"' not in client.get(f"/de/{EU}/").content.decode()


def test_unpublished_unreviewed_translations_are_not_offered_anywhere(client, campaigns):
    Campaign.objects.filter(slug__in=[BR, EU]).update(publish_unreviewed=False)
    CampaignTranslation.objects.filter(campaign__slug=EU, language="fr").update(needs_review=False)
    response = client.get(f"/de/{EU}/")
    assert (response.status_code, response["Location"]) == (302, f"/en/{EU}/")
    # Portuguese is unreviewed: a Brazilian visitor falls back to English.
    assert client.get(f"/pt-br/{EU}/")["Location"] == f"/en/{EU}/"
    # English is unreviewed too on the Brazilian campaign: the primary language it is.
    assert client.get(f"/de/{BR}/")["Location"] == f"/pt-br/{BR}/"
    english = client.get(f"/en/{EU}/").content.decode()
    assert hreflangs(english) == ["en", "fr", "x-default"]
    french = client.get(f"/fr/{EU}/").content.decode()
    assert 'class="translation-notice"' not in french
    sitemap = client.get("/sitemap.xml").content.decode()
    pages = sorted(set(re.findall(r"<loc>http://testserver/([^<]+)</loc>", sitemap)))
    assert [page for page in pages if page.endswith(f"{BR}/") or page.endswith(f"{EU}/")] == [
        f"en/{EU}/",
        f"fr/{EU}/",
        f"pt-br/{BR}/",
    ]


CLOSING_DATES = {
    # A long date that ends in "." is not followed by a full stop of ours.
    "bg": "Краен срок за подписване: 4 март 2027\u202fг.",
    "hr": "Rok za potpisivanje: 4. ožujka 2027.",
    "hu": "Aláírási határidő: 2027. március 4.",
    "lt": "Pasirašymo pabaiga: 2027 m. kovo 4 d.",
    # The date stands alone, in the nominative the long format gives.
    "lv": "Parakstīšanas beigu datums: 2027. gada 4. marts",
    "et": "Allkirjastamise tähtaeg: 4. märts 2027",
    "sl": "Rok za podpis: 4. marec 2027",
    "en": "Closing date for signatures: March 4, 2027",
}


@pytest.mark.parametrize("language", CLOSING_DATES)
def test_closing_date_reads_correctly(client, campaigns, language):
    petition = campaigns[EU].petition
    petition.closes_at = datetime.datetime(2027, 3, 4, 12, tzinfo=datetime.UTC)
    petition.save()
    body = client.get(f"/{language}/{EU}/").content.decode()
    assert re.findall(r'<p class="closes">(.*?)</p>', body) == [CLOSING_DATES[language]]
