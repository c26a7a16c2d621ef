"""The organizer dashboard's figures: counts only, no names or addresses, so every role may
see them. The view (petitions/organize.py) only draws and renders them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from campaign.campaigns.models import RegionKind
from petitions.models import Petition, Signature
from petitions.reporting import charts
from petitions.reporting.counting import (
    PetitionCounts,
    counts_by_day,
    counts_by_source,
    petition_counts,
)
from petitions.reporting.quorums import QuorumSummary, place_name, quorum_rule, quorum_summary


@dataclass(frozen=True)
class DashboardFigures:
    counts: PetitionCounts
    all_signatures: int  # every stored signature: pending and held ones too
    confirmation_rate: float | None  # counted of all, in percent to one decimal; None for none
    progress: int  # percent of the goal, at most 100
    by_place: dict[
        str, int
    ]  # per region or per country, as the campaign counts places; {} for none
    places: list[dict]  # {"code", "name", "count"}, the largest first
    series: list[tuple[datetime.date, int]]  # per day of confirmation, zeros included
    sources: list[dict]  # {"partner", "source", "count"}, the largest first
    quorum: QuorumSummary | None
    place_chart: str  # "tiles" (a tile layout fits the places), "bars", or "" (no places asked)


def place_chart(campaign) -> str:
    """How the dashboard draws the places: a tile map only where one fits the campaign's
    places (Brazil's states; the EU member states for a campaign whose quorum is the ECI's),
    sorted bars for other regions and countries, nothing when no place is asked."""
    if campaign.region_kind == RegionKind.NONE:
        return ""
    if campaign.region_kind == RegionKind.SUBDIVISION:
        return "tiles" if campaign.region_country in charts.SUBDIVISION_TILES else "bars"
    rule = quorum_rule(campaign.slug)
    if rule and rule["place_kind"] == "country" and set(rule["places"]) == set(charts.EU_TILES):
        return "tiles"
    return "bars"


def dashboard_figures(*, petition: Petition) -> DashboardFigures:
    """Everything the dashboard shows about the petition. Side effect: a count flush."""
    counts = petition_counts(petition_id=petition.pk)
    all_signatures = Signature.objects.filter(petition=petition).count()
    campaign = petition.campaign
    if campaign.region_kind == RegionKind.NONE:
        by_place = {}
    elif campaign.region_kind == RegionKind.SUBDIVISION:
        by_place = dict(counts.by_region)
    else:
        by_place = dict(counts.by_country)
    places = [
        {"code": code, "name": place_name(code), "count": n}
        for code, n in sorted(by_place.items(), key=lambda item: (-item[1], item[0]))
    ]
    per_day = dict(counts_by_day(petition_id=petition.pk))
    sources = [
        {"partner": partner or "", "source": source, "count": n}
        for partner, source, n in counts_by_source(petition_id=petition.pk)
    ]
    return DashboardFigures(
        counts=counts,
        all_signatures=all_signatures,
        confirmation_rate=(
            round(100 * counts.total / all_signatures, 1) if all_signatures else None
        ),
        progress=min(100, round(100 * counts.total / petition.goal)),
        by_place=by_place,
        places=places,
        series=charts.daily_series(per_day, until=timezone.now().date()),
        sources=sources,
        quorum=quorum_summary(petition=petition, counts=counts),
        place_chart=place_chart(campaign),
    )
