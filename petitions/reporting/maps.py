"""Public counts by country or region as a tile-grid map, drawn on the server.

One square per place at the fixed position of ``data/tile_grids.toml``, shaded with the
campaign's accent colour by its count; ``templates/campaign/_map.html`` draws it as inline SVG
and gives the same figures as a table. The counts are those the public API already gives
(``petition_counts``: confirmed signatures per country and region), nothing more.
"""

from __future__ import annotations

import functools
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from campaign.campaigns.colours import mix, readable_text_colour
from campaign.core.country_names import country_name
from campaign.core.l10n import collator, format_number
from campaign.core.subdivisions import subdivision_name
from petitions.reporting.counting import PetitionCounts

GRIDS_FILE = Path(__file__).parent / "data" / "tile_grids.toml"
# The grid for each region kind: countries on the EU's, regions on their country's.
COUNTRY_GRID = "EU"
TILE = 40  # side of a square, in SVG user units
GAP = 4
# Shades from the fewest to the most signatures: the share of white mixed into the accent.
SHADES = (0.8, 0.6, 0.35, 0.0)
EMPTY_FILL = "#ebebe6"


@functools.cache
def tile_grids() -> dict[str, dict]:
    with GRIDS_FILE.open("rb") as file:
        return tomllib.load(file)


@dataclass(frozen=True)
class Tile:
    code: str
    label: str  # the code drawn in the square: "DE", "SP" for BR-SP
    name: str
    count: int
    count_text: str
    x: int  # top-left corner, SVG user units
    y: int
    fill: str
    text_colour: str

    @property
    def centre_x(self) -> int:
        return self.x + TILE // 2

    @property
    def centre_y(self) -> int:
        return self.y + TILE // 2


@dataclass(frozen=True)
class TileMap:
    kind: str  # "country" or "subdivision"
    tiles: list[Tile]  # in the grid file's order (north to south)
    rows: list[Tile]  # for the table: most signatures first, then by name
    other: int  # signatures from places not on the grid
    other_text: str
    width: int
    height: int


def grid_name(*, region_kind: str, region_country: str) -> str | None:
    """The grid for a campaign's region kind, or None when there is none to draw."""
    if region_kind == "country":
        return COUNTRY_GRID
    if region_kind == "subdivision" and region_country in tile_grids():
        return region_country
    return None


def shade(*, count: int, largest: int, accent: str) -> str:
    """The fill of a square: a light grey without signatures, else one of four tints of the
    accent by the count's share of the largest count."""
    if count <= 0 or largest <= 0:
        return EMPTY_FILL
    step = min(len(SHADES), math.ceil(len(SHADES) * count / largest)) - 1
    return mix(accent, "#ffffff", SHADES[step])


def tile_map(
    *, region_kind: str, region_country: str, counts: PetitionCounts, accent: str, language: str
) -> TileMap | None:
    """The campaign's counts laid out on its grid, or None for a campaign that asks no place."""
    name = grid_name(region_kind=region_kind, region_country=region_country)
    if name is None:
        return None
    grid = tile_grids()[name]
    by_place = counts.by_country if grid["kind"] == "country" else counts.by_region
    places = grid["places"]
    on_grid = {place["code"] for place in places}
    largest = max((by_place.get(code, 0) for code in on_grid), default=0)
    tiles = []
    for place in places:
        code = place["code"]
        count = by_place.get(code, 0)
        fill = shade(count=count, largest=largest, accent=accent)
        tiles.append(
            Tile(
                code=code,
                label=code.rsplit("-", 1)[-1],
                name=country_name(code, language)
                if grid["kind"] == "country"
                else subdivision_name(code, language),
                count=count,
                count_text=format_number(count, language),
                x=place["x"] * (TILE + GAP),
                y=place["y"] * (TILE + GAP),
                fill=fill,
                text_colour=readable_text_colour(fill),
            )
        )
    order = collator()
    rows = sorted(tiles, key=lambda tile: (-tile.count, order.sort_key(tile.name)))
    other = counts.total - sum(tile.count for tile in tiles)
    columns = 1 + max(place["x"] for place in places)
    lines = 1 + max(place["y"] for place in places)
    return TileMap(
        kind=grid["kind"],
        tiles=tiles,
        rows=rows,
        other=other,
        other_text=format_number(other, language),
        width=columns * (TILE + GAP) - GAP,
        height=lines * (TILE + GAP) - GAP,
    )
