"""The campaign look: the accent stylesheet, the home page's cards, share links before
signing and the map of counts with its table."""

from __future__ import annotations

import re

from campaign.campaigns.models import Campaign
from petitions.reporting.counting import reconcile_counts
from tests import factories

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"


def test_accent_stylesheet_writes_only_well_formed_pairs(client):
    response = client.get(
        "/accents.css?banfacialrecognitioneu=003399&tiremeurostodasuamira=00703c"
        "&evil}body{x=000000&bad=00703c;}&x=red"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Set-Cookie" not in response
    assert response.content.decode() == (
        ".accent-banfacialrecognitioneu{--accent:#003399}\n"
        ".accent-tiremeurostodasuamira{--accent:#00703c}\n"
    )


def test_campaign_page_links_its_accent_and_marks_the_body(client, campaigns):
    Campaign.objects.filter(slug=EU).update(accent_color="#003399")
    body = client.get(f"/en/{EU}/").content.decode()
    assert f'<link rel="stylesheet" href="/accents.css?{EU}=003399">' in body
    assert f'<body class="wide accent-{EU}">' in body


def test_home_page_shows_a_card_per_campaign_with_count_progress_and_sign_link(client, campaigns):
    for _ in range(3):
        factories.signature(petition=campaigns[EU].petition, country="FR")
    reconcile_counts(petition=campaigns[EU].petition)
    Campaign.objects.filter(slug=EU).update(accent_color="#003399")
    Campaign.objects.filter(slug=BR).update(accent_color="#00703c")
    body = client.get("/en/").content.decode()
    assert f'href="/accents.css?{EU}=003399&amp;{BR}=00703c"' in body
    cards = re.findall(r'<li class="card accent-([a-z]+)"', body)
    assert sorted(cards) == sorted([EU, BR])
    assert (
        f'<p class="count-number" id="count-{EU}"><strong>3</strong>\n    '
        "signatures of 250,000</p>" in body
    )
    assert f'<progress max="100" value="0" aria-labelledby="count-{EU}">' in body
    assert f'<a class="button" href="/en/{EU}/#sign">Sign the petition<span' in body


def test_home_cards_say_the_language_of_a_fallback_text(client, campaigns):
    body = client.get("/pl/").content.decode()
    assert f'<li class="card accent-{BR}" lang="en">' in body


def test_campaign_page_shares_before_signing(client, campaigns):
    body = client.get(f"/en/{EU}/").content.decode()
    head = body[: body.index('<section class="sign"')]
    assert 'class="share-whatsapp" href="https://wa.me/?text=' in head
    assert f'class="share-mastodon" href="/en/{EU}/share/mastodon/"' in head
    assert f'<a class="share-page" id="share-page" href="http://testserver/en/{EU}/">' in head
    assert '<button type="button" class="copy" data-copy="share-page" hidden>' in head


def test_eu_map_counts_countries_with_an_other_row(client, campaigns):
    petition = campaigns[EU].petition
    for country in ("DE", "DE", "MT", "CH"):
        factories.signature(petition=petition, country=country)
    reconcile_counts(petition=petition)
    body = client.get(f"/de/{EU}/").content.decode()
    assert '<h2 id="map-heading">Unterschriften nach Land</h2>' in body
    assert "<title>Deutschland: 2</title>" in body
    assert "<title>Malta: 1</title>" in body
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>', body)
    assert rows[:3] == [("Deutschland", "2"), ("Malta", "1"), ("Belgien", "0")]
    assert rows[-1] == ("Andere Länder", "1")
    assert len(rows) == 28


def test_brazil_map_counts_states(client, campaigns):
    petition = campaigns[BR].petition
    factories.signature(petition=petition, country="BR", region="BR-SP")
    reconcile_counts(petition=petition)
    body = client.get(f"/pt-br/{BR}/").content.decode()
    assert "<title>São Paulo: 1</title>" in body
    assert len(re.findall(r'<tr><th scope="row">', body)) == 27


def test_no_map_for_a_campaign_that_asks_no_place(client, campaigns):
    Campaign.objects.filter(slug=EU).update(region_kind="none")
    response = client.get(f"/en/{EU}/")
    assert response.status_code == 200
    assert 'class="map"' not in response.content.decode()
