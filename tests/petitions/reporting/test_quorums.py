import datetime
import math
from decimal import Decimal

from django.utils import translation

from petitions.reporting.counting import PetitionCounts
from petitions.reporting.quorums import QuorumLine, quorum_data, quorum_summary

# The verified reference figures (the team's thresholds.json): ECI Annex I per Member State as
# (MEPs 2024–2029, minimum for initiatives registered from 16 July 2024, minimum for those
# registered from 1 February 2020 to 15 July 2024), and the TSE electorate of the general
# election of 2 October 2022 per Brazilian state as (electorate, 0.3 % minimum).
ECI_EXPECTED = {
    "AT": (20, 14_400, 13_395),
    "BE": (22, 15_840, 14_805),
    "BG": (17, 12_240, 11_985),
    "CY": (6, 4_320, 4_230),
    "CZ": (21, 15_120, 14_805),
    "DE": (96, 69_120, 67_680),
    "DK": (15, 10_800, 9_870),
    "EE": (7, 5_040, 4_935),
    "ES": (61, 43_920, 41_595),
    "FI": (15, 10_800, 9_870),
    "FR": (81, 58_320, 55_695),
    "GR": (21, 15_120, 14_805),
    "HR": (12, 8_640, 8_460),
    "HU": (21, 15_120, 14_805),
    "IE": (14, 10_080, 9_165),
    "IT": (76, 54_720, 53_580),
    "LT": (11, 7_920, 7_755),
    "LU": (6, 4_320, 4_230),
    "LV": (9, 6_480, 5_640),
    "MT": (6, 4_320, 4_230),
    "NL": (31, 22_320, 20_445),
    "PL": (53, 38_160, 36_660),
    "PT": (21, 15_120, 14_805),
    "RO": (33, 23_760, 23_265),
    "SE": (21, 15_120, 14_805),
    "SI": (9, 6_480, 5_640),
    "SK": (15, 10_800, 9_870),
}

BR_EXPECTED = {
    "AC": (588_433, 1_766),
    "AL": (2_325_656, 6_977),
    "AM": (2_647_748, 7_944),
    "AP": (550_687, 1_653),
    "BA": (11_291_528, 33_875),
    "CE": (6_820_673, 20_463),
    "DF": (2_203_045, 6_610),
    "ES": (2_921_506, 8_765),
    "GO": (4_870_354, 14_612),
    "MA": (5_042_999, 15_129),
    "MG": (16_290_870, 48_873),
    "MS": (1_996_510, 5_990),
    "MT": (2_469_414, 7_409),
    "PA": (6_082_312, 18_247),
    "PB": (3_091_684, 9_276),
    "PE": (7_018_098, 21_055),
    "PI": (2_573_810, 7_722),
    "PR": (8_475_632, 25_427),
    "RJ": (12_827_296, 38_482),
    "RN": (2_554_727, 7_665),
    "RO": (1_230_987, 3_693),
    "RR": (366_240, 1_099),
    "RS": (8_593_469, 25_781),
    "SC": (5_489_658, 16_469),
    "SE": (1_671_801, 5_016),
    "SP": (34_667_793, 104_004),
    "TO": (1_094_003, 3_283),
}


def test_quorum_data_eci_thresholds_follow_annex_i():
    rule = quorum_data()["banfacialrecognitioneu"]
    places = rule["places"]
    assert (rule["multiplier"], rule["meps_total"]) == (720, 720)
    assert sum(place["meps"] for place in places.values()) == rule["meps_total"]
    assert {code: place["meps"] * rule["multiplier"] for code, place in places.items()} == {
        code: place["threshold"] for code, place in places.items()
    }
    assert (rule["places_needed"], rule["total_threshold"]) == (7, 1_000_000)
    previous = rule["previous"]
    assert (previous["multiplier"], previous["meps_total"]) == (705, 705)
    assert sum(place["meps"] for place in previous["places"].values()) == 705
    assert {code: p["meps"] * 705 for code, p in previous["places"].items()} == {
        code: p["threshold"] for code, p in previous["places"].items()
    }


def test_quorum_data_eci_matches_the_verified_table():
    rule = quorum_data()["banfacialrecognitioneu"]
    figures = {
        code: (place["meps"], place["threshold"], rule["previous"]["places"][code]["threshold"])
        for code, place in rule["places"].items()
    }
    assert figures == ECI_EXPECTED
    assert (figures["DE"], figures["FR"], figures["MT"]) == (
        (96, 69_120, 67_680),
        (81, 58_320, 55_695),
        (6, 4_320, 4_230),
    )


def test_quorum_data_brazil_thresholds_follow_art_61():
    rule = quorum_data()["tiremeurostodasuamira"]
    places = rule["places"]
    share, total_share = Decimal(rule["place_share"]), Decimal(rule["total_share"])
    assert (share, total_share, rule["places_needed"]) == (Decimal("0.003"), Decimal("0.01"), 5)
    assert {code: math.ceil(p["electorate"] * share) for code, p in places.items()} == {
        code: p["threshold"] for code, p in places.items()
    }
    assert rule["national_electorate"] == (
        sum(p["electorate"] for p in places.values()) + rule["electorate_abroad"]
    )
    assert rule["total_threshold"] == math.ceil(rule["national_electorate"] * total_share)


def test_quorum_data_brazil_matches_the_tse_2022_electorate():
    rule = quorum_data()["tiremeurostodasuamira"]
    figures = {
        code.removeprefix("BR-"): (p["electorate"], p["threshold"])
        for code, p in rule["places"].items()
    }
    assert figures == BR_EXPECTED
    assert (rule["national_electorate"], rule["electorate_abroad"], rule["total_threshold"]) == (
        156_454_011,
        697_078,
        1_564_541,
    )


def test_quorum_data_keeps_source_legal_basis_and_date_of_each_rule():
    data = quorum_data()
    cited = {
        slug: (
            datetime.date.fromisoformat(rule["as_of"]),
            "2019/788" in rule["legal_basis"] or "art. 61" in rule["legal_basis"],
            "europa.eu" in rule["source"] or "tse.jus.br" in rule["source"],
        )
        for slug, rule in data.items()
        if not slug.startswith("_")
    }
    assert cited == {
        "banfacialrecognitioneu": (datetime.date(2024, 7, 16), True, True),
        "tiremeurostodasuamira": (datetime.date(2022, 10, 2), True, True),
    }
    assert "Indicative" in data["_about"]


def test_quorum_summary_counts_places_past_their_minimum(eu_petition):
    counts = PetitionCounts(
        total=80_000, by_country={"MT": 4_320, "DE": 69_119, "US": 3_501}, by_region={}
    )
    summary = quorum_summary(petition=eu_petition, counts=counts)
    assert summary.lines[:3] == [
        QuorumLine("DE", "Germany", 69_119, 69_120, False),
        QuorumLine("MT", "Malta", 4_320, 4_320, True),
        QuorumLine("AT", "Austria", 0, 14_400, False),
    ]
    assert (summary.places_reached, summary.places_needed) == (1, 7)
    assert (summary.total, summary.total_threshold) == (73_439, 1_000_000)
    assert not summary.reached


def test_quorum_summary_uses_brazilian_states(br_petition):
    counts = PetitionCounts(total=2_000, by_country={"BR": 2_000}, by_region={"BR-RR": 2_000})
    summary = quorum_summary(petition=br_petition, counts=counts)
    assert summary.lines[0] == QuorumLine("BR-RR", "Roraima", 2_000, 1_099, True)
    assert (summary.places_reached, summary.places_needed, summary.total) == (1, 5, 2_000)


def test_quorum_summary_is_none_without_a_rule(eu_petition):
    eu_petition.campaign.slug = "another-campaign"
    assert quorum_summary(petition=eu_petition, counts=PetitionCounts(total=0)) is None


def test_quorum_summary_cites_basis_and_date_in_the_rendering_language(eu_petition, br_petition):
    eu = quorum_summary(petition=eu_petition, counts=PetitionCounts(total=0))
    br = quorum_summary(petition=br_petition, counts=PetitionCounts(total=0))
    with translation.override("de"):
        assert str(eu.source) == (
            "Rechtsgrundlage: Verordnung (EU) 2019/788, Artikel 3 Absatz 1 und Anhang I: eine "
            "Million Unterzeichner, und in mindestens 7 Mitgliedstaaten mindestens so viele, wie "
            "dort Mitglieder des Europäischen Parlaments gewählt werden, × 720. Zahlen: Anhang I "
            "für ab dem 16. Juli 2024 registrierte Initiativen (Europäisches Parlament 2024–2029, "
            "720 Mitglieder)."
        )
    with translation.override("pt-br"):
        assert str(br.source) == (
            "Base legal: Constituição Federal, art. 61, § 2º, e Lei 9.709/1998, art. 13: 1% do "
            "eleitorado nacional, distribuído por pelo menos 5 estados, com no mínimo 0,3% dos "
            "eleitores de cada um deles. Números: eleitorado por estado do Tribunal Superior "
            "Eleitoral (TSE), eleições gerais de 2 de outubro de 2022."
        )


def test_share_links_name_the_email_link_in_the_page_language():
    from campaign.public.sharing import share_links

    names = {}
    for language in ("en", "de", "el", "es"):
        with translation.override(language):
            links = share_links(url="https://example.org/", text="t", subject="s")
        names[language] = [link["name"] for link in links if link["id"] == "email"]
    assert names == {
        "en": ["Email"],
        "de": ["E-Mail"],
        "el": ["Ηλεκτρονικό ταχυδρομείο"],
        "es": ["Correo electrónico"],
    }
