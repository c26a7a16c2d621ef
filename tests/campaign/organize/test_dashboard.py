"""The dashboard's numbers equal the public API's; charts and the quorum block render."""

from __future__ import annotations

import datetime
import json
import re

from django.template.loader import render_to_string
from django.utils import timezone, translation

from campaign.campaigns.models import CampaignMembership
from petitions.reporting import charts
from petitions.reporting.counting import PetitionCounts
from petitions.reporting.quorums import QuorumLine, QuorumSummary, quorum_summary
from tests.campaign.organize.conftest import BR, EU, add_signature, login


def api(client, slug):
    return json.loads(client.get(f"/api/v1/petitions/{slug}").content)


def test_dashboard_numbers_equal_the_api(client, cast, signatures):
    payload = api(client, EU)
    login(client, cast["viewer"])
    response = client.get(f"/organize/{EU}/")
    context = response.context
    assert context["counts"].total == payload["signatures"] == 3
    assert {row["code"]: row["count"] for row in context["places"]} == payload["by_country"]
    assert payload["by_country"] == {"DE": 1, "PL": 1, "PT": 1}
    body = response.content.decode()
    assert '<strong id="total">3</strong>' in body
    # 3 confirmed of 4 signatures (one pending).
    assert (context["all_signatures"], context["confirmation_rate"]) == (4, 75.0)
    assert '<strong id="rate">75%</strong>' in body
    assert context["progress"] == 0  # 3 of a large goal
    assert context["sources"] == [
        {"partner": "", "source": "", "count": 2},
        {"partner": eu_partner_name(signatures), "source": "widget", "count": 1},
    ]
    assert sum(n for _, n in context["series"]) == 3
    quorum = context["quorum"]
    assert [(line.place, line.signatures) for line in quorum.lines if line.signatures] == [
        ("DE", 1),
        ("PL", 1),
        ("PT", 1),
    ]
    assert (quorum.places_reached, quorum.places_needed, quorum.total) == (0, 7, 3)


def eu_partner_name(signatures) -> str:
    return signatures[1].partner.name


def test_brazilian_dashboard_counts_states_like_the_api(client, cast, signatures, campaigns):
    add_signature(
        campaigns[BR].petition, name="Ana", email="ana.br@example.org", country="BR", region="BR-RJ"
    )
    CampaignMembership.objects.create(user=cast["viewer"], campaign=campaigns[BR], role="viewer")
    payload = api(client, BR)
    login(client, cast["viewer"])
    response = client.get(f"/organize/{BR}/")
    assert {r["code"]: r["count"] for r in response.context["places"]} == payload["by_region"]
    assert payload["by_region"] == {"BR-RJ": 1, "BR-SP": 1}
    assert response.context["counts"].total == payload["signatures"] == 2
    body = response.content.decode()
    assert "<title>São Paulo: 1</title>" in body
    assert "<title>Acre: 0</title>" in body


def test_tile_maps_have_one_tile_per_place():
    eu = charts.tile_map_svg(values={"DE": 5}, tiles=charts.EU_TILES, names={}, label="EU")
    br = charts.tile_map_svg(values={}, tiles=charts.BR_TILES, names={}, label="BR")
    assert eu.count("<rect") == 27 and br.count("<rect") == 27
    assert len(set(charts.EU_TILES.values())) == 27
    assert len(set(charts.BR_TILES.values())) == 27
    assert "<title>DE: 5</title>" in eu
    assert f'fill="{charts.SHADES[4]}"' in eu  # the busiest place is darkest


def test_daily_series_fills_gaps_and_bar_chart_draws_each_day():
    today = datetime.date(2026, 3, 10)
    series = charts.daily_series({datetime.date(2026, 3, 7): 2, today: 5}, until=today, days=60)
    assert series == [
        (datetime.date(2026, 3, 7), 2),
        (datetime.date(2026, 3, 8), 0),
        (datetime.date(2026, 3, 9), 0),
        (today, 5),
    ]
    svg = charts.bar_chart_svg(series=series, label="Per day")
    assert svg.count("<rect") == 4
    assert "<title>Mar 10, 2026: 5</title>" in svg
    assert 'aria-label="Per day"' in svg


def test_quorum_block_renders_a_summary():
    summary = QuorumSummary(
        lines=[
            QuorumLine(place="DE", name="Germany", signatures=70000, threshold=69120, reached=True),
            QuorumLine(place="MT", name="Malta", signatures=10, threshold=4320, reached=False),
        ],
        places_reached=1,
        places_needed=7,
        total=70010,
        total_threshold=1000000,
        source="Regulation (EU) 2019/788, Annex I",
    )
    html = render_to_string("organize/_quorum.html", {"quorum": summary})
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    assert "Indicative quorum Indicative only." in text
    assert "neither a statement of support for a European Citizens' Initiative" in text
    assert "nor a formal signature for a popular initiative" in text
    assert "Places past their threshold 1 / 7" in text
    assert "Total against the total threshold 70,010 / 1,000,000" in text
    assert "Germany DE 70,000 69,120 yes" in text
    assert "Malta MT 10 4,320 no" in text
    assert "yes Malta MT 10 4,320 no Regulation (EU) 2019/788, Annex I" in text


def test_dashboard_shows_the_quorum_block_when_there_is_one(client, cast, monkeypatch):
    summary = QuorumSummary([], 0, 7, 0, 1000000, "Regulation (EU) 2019/788")
    monkeypatch.setattr("petitions.reporting.quorums.quorum_summary", lambda **kwargs: summary)
    login(client, cast["viewer"])
    body = client.get(f"/organize/{EU}/").content.decode()
    assert 'id="quorum-heading">Indicative quorum<' in body


def test_dashboard_chart_counts_confirmations_per_day(client, cast, eu_petition):
    for i, days_ago in enumerate([0, 0, 3]):
        add_signature(
            eu_petition, name=f"N{i}", email=f"n{i}@example.org", country="FR", days_ago=days_ago
        )
    login(client, cast["viewer"])
    series = client.get(f"/organize/{EU}/").context["series"]
    today = timezone.now().date()
    assert series[0] == (today - datetime.timedelta(days=3), 1)
    assert series[-1] == (today, 2)
    assert len(series) == 4


def test_quorum_block_writes_numbers_and_citation_in_german(eu_petition):
    counts = PetitionCounts(total=70_010, by_country={"DE": 70_000, "MT": 10}, by_region={})
    with translation.override("de"):
        summary = quorum_summary(petition=eu_petition, counts=counts)
        html = render_to_string("organize/_quorum.html", {"quorum": summary})
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "70.010 / 1.000.000" in text
    assert "Deutschland DE 70.000 69.120 ja" in text
    assert "Malta MT 10 4.320 nein" in text
    assert "Zahlen: Anhang I für ab dem 16. Juli 2024 registrierte Initiativen" in text
