import math

from petitions.counting import PetitionCounts
from petitions.quorums import QuorumLine, quorum_data, quorum_summary


def test_quorum_data_eci_thresholds_follow_annex_i():
    rule = quorum_data()["banfacialrecognitioneu"]
    places = rule["places"]
    assert len(places) == 27
    assert sum(place["meps"] for place in places.values()) == 720
    assert all(place["threshold"] == place["meps"] * 750 for place in places.values())
    assert (places["DE"]["threshold"], places["FR"]["threshold"], places["MT"]["threshold"]) == (
        72_000,
        60_750,
        4_500,
    )
    assert (rule["places_needed"], rule["total_threshold"]) == (7, 1_000_000)
    assert rule["source"] and rule["legal_basis"] and rule["as_of"]


def test_quorum_data_brazil_thresholds_follow_art_61():
    rule = quorum_data()["tiremeurostodasuamira"]
    places = rule["places"]
    assert len(places) == 27
    assert all(p["threshold"] == math.ceil(p["electorate"] * 3 / 1000) for p in places.values())
    assert rule["total_threshold"] == math.ceil(rule["national_electorate"] / 100)
    assert rule["places_needed"] == 5
    assert "TSE" in rule["source"] and "checked" in rule["note"].lower()


def test_quorum_summary_counts_places_past_their_minimum(eu_petition):
    counts = PetitionCounts(
        total=80_000, by_country={"MT": 4_500, "DE": 71_999, "US": 3_501}, by_region={}
    )
    summary = quorum_summary(petition=eu_petition, counts=counts)
    assert summary.lines[:3] == [
        QuorumLine("DE", "Germany", 71_999, 72_000, False),
        QuorumLine("MT", "Malta", 4_500, 4_500, True),
        QuorumLine("AT", "Austria", 0, 15_000, False),
    ]
    assert (summary.places_reached, summary.places_needed) == (1, 7)
    assert (summary.total, summary.total_threshold) == (76_499, 1_000_000)
    assert "2019/788" in summary.source
    assert summary.as_of == "2024-07-16"
    assert not summary.reached


def test_quorum_summary_uses_brazilian_states(br_petition):
    counts = PetitionCounts(total=2_000, by_country={"BR": 2_000}, by_region={"BR-RR": 2_000})
    summary = quorum_summary(petition=br_petition, counts=counts)
    assert summary.lines[0] == QuorumLine("BR-RR", "Roraima", 2_000, 1_099, True)
    assert (summary.places_reached, summary.places_needed, summary.total) == (1, 5, 2_000)
    assert "art. 61" in summary.source


def test_quorum_summary_is_none_without_a_rule(eu_petition):
    eu_petition.campaign.slug = "another-campaign"
    assert quorum_summary(petition=eu_petition, counts=PetitionCounts(total=0)) is None
