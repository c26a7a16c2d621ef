import pytest

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"


@pytest.mark.parametrize(
    ("path", "lang", "hashtag"),
    [
        (f"/pt-br/{BR}/", "pt-br", "#Tiremeurostodasuamira"),
        (f"/en/{EU}/", "en", "#BanFacialRecognitionEU"),
    ],
)
def test_campaign_page_shows_hashtag_form_and_count(client, campaigns, path, lang, hashtag):
    response = client.get(path)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in body
    assert hashtag in body
    assert f'action="/{lang}/' in body and '/sign/"' in body
    assert 'name="form_token"' in body
    assert '<progress max="100" value="0" aria-labelledby="count-text">' in body
    assert response["Cache-Control"] == "public, max-age=30"


def test_brazilian_page_asks_for_state_and_eu_page_does_not(client, campaigns):
    assert 'name="region"' in client.get(f"/pt-br/{BR}/").content.decode()
    assert 'name="region"' not in client.get(f"/en/{EU}/").content.decode()


def test_campaign_page_in_unoffered_language_redirects_to_english_else_primary(client, campaigns):
    response = client.get(f"/pl/{BR}/")
    assert (response.status_code, response["Location"]) == (302, f"/en/{BR}/")
    campaigns[BR].translations.filter(language="en").delete()
    response = client.get(f"/pl/{BR}/")
    assert (response.status_code, response["Location"]) == (302, f"/pt-br/{BR}/")


def test_language_switcher_lists_the_campaigns_languages(client, campaigns):
    body = client.get(f"/en/{EU}/").content.decode()
    for code in ["en", "de", "es", "fr", "pt"]:
        assert f'href="/{code}/{EU}/" lang="{code}"' in body


def test_root_redirects_by_accept_language(client, campaigns):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9")["Location"] == "/pt-br/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE")["Location"] == "/de/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ja")["Location"] == "/en/"


def test_campaign_list_links_both_campaigns(client, campaigns):
    body = client.get("/en/").content.decode()
    assert f'href="/en/{BR}/"' in body and f'href="/en/{EU}/"' in body


def test_unknown_campaign_is_404(client, campaigns):
    assert client.get("/en/nope/").status_code == 404


def test_healthz_answers_without_the_database(client):
    # No db fixture: any query would raise.
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


def test_seeding_is_idempotent_and_keeps_edits(unseeded_db):
    from campaign.campaigns.models import CampaignTranslation, Partner
    from petitions.models import Widget
    from petitions.seeding import seed_launch_campaigns

    seed_launch_campaigns(demo_partner=True)
    CampaignTranslation.objects.filter(language="en", campaign__slug=EU).update(title="Edited")
    before = (CampaignTranslation.objects.count(), Partner.objects.count(), Widget.objects.count())
    seed_launch_campaigns(demo_partner=True)
    after = (CampaignTranslation.objects.count(), Partner.objects.count(), Widget.objects.count())
    assert after == before
    assert CampaignTranslation.objects.get(language="en", campaign__slug=EU).title == "Edited"
    demo = Widget.objects.select_related("partner", "petition__campaign").get(key=f"demo-{EU}")
    assert (demo.partner.name, demo.partner.is_listed) == ("Demo partner", False)
    assert (demo.petition.campaign.slug, demo.language) == (EU, "en")
    assert demo.allowed_domains == ["localhost", "127.0.0.1"]
