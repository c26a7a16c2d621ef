"""Charts drawn as SVG on the server: no JavaScript library, no third-party tiles or geodata.

Each function returns safe markup with a text alternative (<title> and aria-label); the
numbers themselves are also in a table next to each chart.
"""

from __future__ import annotations

import datetime

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from campaign.core.l10n import format_compact, format_date, format_number

# Tile grids: (column, row) per place, roughly where it lies on the map; one square each.
EU_TILES: dict[str, tuple[int, int]] = {
    "SE": (5, 0), "FI": (6, 0),
    "DK": (4, 1), "EE": (6, 1),
    "IE": (0, 2), "NL": (2, 2), "DE": (3, 2), "PL": (4, 2), "LT": (5, 2), "LV": (6, 2),
    "BE": (2, 3), "LU": (3, 3), "CZ": (4, 3), "SK": (5, 3),
    "FR": (2, 4), "AT": (4, 4), "HU": (5, 4), "RO": (6, 4),
    "PT": (0, 5), "ES": (1, 5), "IT": (3, 5), "SI": (4, 5), "HR": (5, 5), "BG": (6, 5),
    "MT": (3, 6), "GR": (6, 6), "CY": (7, 6),
}  # fmt: skip
BR_TILES: dict[str, tuple[int, int]] = {
    "BR-RR": (2, 0), "BR-AP": (4, 0),
    "BR-AM": (1, 1), "BR-PA": (3, 1), "BR-MA": (4, 1), "BR-CE": (5, 1), "BR-RN": (6, 1),
    "BR-AC": (0, 2), "BR-RO": (1, 2), "BR-MT": (2, 2), "BR-TO": (3, 2), "BR-PI": (4, 2),
    "BR-PE": (5, 2), "BR-PB": (6, 2),
    "BR-MS": (2, 3), "BR-GO": (3, 3), "BR-DF": (4, 3), "BR-BA": (5, 3), "BR-AL": (6, 3),
    "BR-SP": (3, 4), "BR-MG": (4, 4), "BR-ES": (5, 4), "BR-SE": (6, 4),
    "BR-PR": (3, 5), "BR-RJ": (4, 5),
    "BR-SC": (3, 6),
    "BR-RS": (3, 7),
}  # fmt: skip

# Countries whose regions have a tile layout (ISO 3166-1 alpha-2 → layout).
SUBDIVISION_TILES: dict[str, dict[str, tuple[int, int]]] = {"BR": BR_TILES}

# Light to dark; the last two carry white text.
SHADES = ["#f0efe9", "#f3d3c8", "#e4a08b", "#c45a45", "#8a1c1c"]
TILE = 44
GAP = 4


def _shade(value: int, top: int) -> int:
    if value <= 0 or top <= 0:
        return 0
    return 1 + min(3, int(4 * value / (top + 1)))


def tile_map_svg(
    *, values: dict[str, int], tiles: dict[str, tuple[int, int]], names: dict[str, str], label: str
) -> SafeString:
    """A tile grid map (one square per place) shaded by signatures."""
    top = max((values.get(code, 0) for code in tiles), default=0)
    columns = 1 + max(c for c, _ in tiles.values())
    rows = 1 + max(r for _, r in tiles.values())
    width, height = columns * (TILE + GAP), rows * (TILE + GAP)
    parts = []
    for code, (column, row) in tiles.items():
        value = values.get(code, 0)
        shade = _shade(value, top)
        x, y = column * (TILE + GAP), row * (TILE + GAP)
        short = code.partition("-")[2] or code
        text_fill = "#fff" if shade >= 3 else "#1a1a1a"
        parts.append(
            format_html(
                '<g><title>{}: {}</title><rect x="{}" y="{}" width="{}" height="{}" rx="4" '
                'fill="{}" stroke="#999" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="middle" font-size="13" font-weight="700" '
                'fill="{}">{}</text>'
                '<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="{}">{}</text></g>',
                names.get(code, code),
                format_number(value),
                x,
                y,
                TILE,
                TILE,
                SHADES[shade],
                x + TILE // 2,
                y + 18,
                text_fill,
                short,
                x + TILE // 2,
                y + 34,
                text_fill,
                _compact(value),
            )
        )
    return format_html(
        '<svg class="tilemap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'role="img" aria-label="{}"><title>{}</title>{}</svg>',
        width,
        height,
        label,
        label,
        mark_safe("".join(parts)),
    )


def _compact(value: int) -> str:
    """A tile's number in the language's short form: 9,999 / 12K / 1.2M (12 Tsd. / 1,2 Mio.)."""
    if value >= 10_000:
        return format_compact(value)
    return format_number(value)


def daily_series(
    per_day: dict[datetime.date, int], *, until: datetime.date, days: int = 60
) -> list[tuple[datetime.date, int]]:
    """The last ``days`` days up to ``until``, zeros included, starting at the first signature."""
    if not per_day:
        return []
    start = max(min(per_day), until - datetime.timedelta(days=days - 1))
    span = (until - start).days + 1
    return [
        (day, per_day.get(day, 0))
        for day in (start + datetime.timedelta(days=i) for i in range(span))
    ]


def bar_chart_svg(*, series: list[tuple[datetime.date, int]], label: str) -> SafeString:
    """Vertical bars, one per day, with the first, last and busiest days labelled."""
    height, gap, top_pad, bottom_pad = 200, 3, 18, 22
    # About 720 units wide whatever the number of days, so a young petition's bars stay sane.
    bar = max(4, min(40, 720 // max(1, len(series)) - gap))
    top = max((n for _, n in series), default=0) or 1
    width = max(720, len(series) * (bar + gap) + gap)
    plot = height - top_pad - bottom_pad
    busiest = max(range(len(series)), key=lambda i: series[i][1]) if series else -1
    parts = []
    for i, (day, n) in enumerate(series):
        h = round(plot * n / top)
        x = gap + i * (bar + gap)
        y = top_pad + plot - h
        parts.append(
            format_html(
                '<g><title>{}: {}</title><rect x="{}" y="{}" width="{}" height="{}" '
                'fill="#8a1c1c"/></g>',
                format_date(day, form="medium"),
                format_number(n),
                x,
                y,
                bar,
                max(h, 1 if n else 0),
            )
        )
        if i == busiest and n:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>',
                    x + bar // 2,
                    y - 4,
                    format_number(n),
                )
            )
    for i in {0, len(series) - 1} if series else ():
        anchor = "start" if i == 0 else "end"
        x = gap + i * (bar + gap) + (0 if i == 0 else bar)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="{}" font-size="11">{}</text>',
                x,
                height - 6,
                anchor,
                format_date(series[i][0], form="medium"),
            )
        )
    baseline = top_pad + plot
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'role="img" aria-label="{}"><title>{}</title>'
        '<line x1="0" y1="{}" x2="{}" y2="{}" stroke="#555"/>{}</svg>',
        width,
        height,
        label,
        label,
        baseline,
        width,
        baseline,
        mark_safe("".join(parts)),
    )


def ranked_bars_svg(*, rows: list[tuple[str, int]], label: str, limit: int = 20) -> SafeString:
    """Horizontal bars, the largest first: one per place, its name above its bar and its count
    after it, for places that have no tile layout (any country's regions, a national
    campaign's countries). Narrow enough to read on a phone.

    Only the ``limit`` largest are drawn, so the chart stays readable; the table next to it
    lists every place. ``rows`` are (name, count) pairs, already sorted.
    """
    rows = [(name, n) for name, n in rows if n > 0][:limit]
    top = max((n for _, n in rows), default=0) or 1
    width, bar_width, name_height, bar_height, gap = 400, 330, 16, 14, 8
    row_height = name_height + bar_height + gap
    parts = []
    for i, (name, n) in enumerate(rows):
        y = i * row_height
        length = max(2, round(bar_width * n / top))
        parts.append(
            format_html(
                "<g><title>{}: {}</title>"
                '<text x="0" y="{}" font-size="13" fill="#1a1a1a">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" rx="2" fill="#8a1c1c"/>'
                '<text x="{}" y="{}" font-size="12" fill="#1a1a1a">{}</text></g>',
                name,
                format_number(n),
                y + name_height - 4,
                name,
                y + name_height,
                length,
                bar_height,
                length + 5,
                y + name_height + bar_height - 3,
                format_number(n),
            )
        )
    return format_html(
        '<svg class="chart bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'role="img" aria-label="{}"><title>{}</title>{}</svg>',
        width,
        max(1, len(rows)) * row_height,
        label,
        label,
        mark_safe("".join(parts)),
    )
