"""The dashboard's tile map writes its numbers as the viewer's language does (CLDR)."""

from __future__ import annotations

from django.utils import translation

from petitions.reporting import charts


def tile_map(value: int) -> str:
    return str(
        charts.tile_map_svg(
            values={"DE": value}, tiles={"DE": (0, 0)}, names={"DE": "Germany"}, label="Map"
        )
    )


def test_tile_titles_and_labels_group_thousands_per_language():
    with translation.override("en"):
        svg = tile_map(1234)
        assert "<title>Germany: 1,234</title>" in svg
        assert ">1,234</text>" in svg
        assert ">12K</text>" in tile_map(12_000)
    with translation.override("de"):
        svg = tile_map(12_345)
        assert "Germany: 12.345" in svg
        assert ">12.345</text>" in svg  # German has no short form for thousands
    with translation.override("fr"):
        assert "Germany: 1\u202f234" in tile_map(1234)
