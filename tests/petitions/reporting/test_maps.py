"""The tile-grid map of counts: grids, positions, shades, names and the table's order."""

from __future__ import annotations

from petitions.reporting.counting import PetitionCounts
from petitions.reporting.maps import EMPTY_FILL, GAP, TILE, shade, tile_grids, tile_map

EU_27 = set(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)


def test_grids_have_each_place_once_on_its_own_square():
    grids = tile_grids()
    assert {place["code"] for place in grids["EU"]["places"]} == EU_27
    brazil = {place["code"] for place in grids["BR"]["places"]}
    assert len(brazil) == 27 and "BR-DF" in brazil and "BR-SP" in brazil
    for grid in grids.values():
        squares = [(place["x"], place["y"]) for place in grid["places"]]
        assert len(squares) == len(set(squares))


def test_shade_steps_from_light_to_the_accent():
    assert shade(count=0, largest=10, accent="#003399") == EMPTY_FILL
    assert shade(count=10, largest=10, accent="#003399") == "#003399"
    assert shade(count=1, largest=10, accent="#003399") == "#ccd6eb"  # 80 % white
    assert shade(count=6, largest=10, accent="#003399") == "#597abd"  # 35 % white


def test_country_map_places_names_counts_and_others():
    counts = PetitionCounts(total=1617, by_country={"DE": 1200, "FR": 400, "CH": 17})
    drawn = tile_map(
        region_kind="country", region_country="", counts=counts, accent="#003399", language="de"
    )
    assert drawn.kind == "country"
    assert len(drawn.tiles) == 27
    germany = next(tile for tile in drawn.tiles if tile.code == "DE")
    assert (germany.x, germany.y) == (3 * (TILE + GAP), 3 * (TILE + GAP))
    assert (germany.name, germany.count_text, germany.fill, germany.text_colour) == (
        "Deutschland",
        "1.200",
        "#003399",
        "#ffffff",
    )
    assert [(tile.name, tile.count_text) for tile in drawn.rows[:3]] == [
        ("Deutschland", "1.200"),
        ("Frankreich", "400"),
        ("Belgien", "0"),  # then every other place, by name
    ]
    assert (drawn.other, drawn.other_text) == (17, "17")
    assert (drawn.width, drawn.height) == (7 * (TILE + GAP) - GAP, 8 * (TILE + GAP) - GAP)


def test_region_map_uses_the_states_and_their_names():
    counts = PetitionCounts(total=3, by_country={"BR": 3}, by_region={"BR-SP": 2, "BR-AC": 1})
    drawn = tile_map(
        region_kind="subdivision",
        region_country="BR",
        counts=counts,
        accent="#00703c",
        language="pt-br",
    )
    assert drawn.kind == "subdivision"
    assert [(tile.label, tile.name, tile.count) for tile in drawn.rows[:2]] == [
        ("SP", "São Paulo", 2),
        ("AC", "Acre", 1),
    ]
    assert drawn.other == 0


def test_no_map_without_places_or_a_grid():
    counts = PetitionCounts(total=5)
    assert (
        tile_map(
            region_kind="none", region_country="", counts=counts, accent="#003399", language="en"
        )
        is None
    )
    assert (
        tile_map(
            region_kind="subdivision",
            region_country="MX",
            counts=counts,
            accent="#003399",
            language="en",
        )
        is None
    )
