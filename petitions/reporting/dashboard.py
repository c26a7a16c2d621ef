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
from petitions.reporting.quorums import QuorumSummary, place_name, quorum_summary


@dataclass(frozen=True)
class DashboardFigures:
    counts: PetitionCounts
    all_signatures: int  # every stored signature: pending and held ones too
    confirmation_rate: float | None  # counted of all, in percent to one decimal; None for none
    progress: int  # percent of the goal, at most 100
    by_place: dict[str, int]  # per Brazilian state or per country, as the campaign counts places
    places: list[dict]  # {"code", "name", "count"}, the largest first
    series: list[tuple[datetime.date, int]]  # per day of confirmation, zeros included
    sources: list[dict]  # {"partner", "source", "count"}, the largest first
    quorum: QuorumSummary | None


def dashboard_figures(*, petition: Petition) -> DashboardFigures:
    """Everything the dashboard shows about the petition. Side effect: a count flush."""
    counts = petition_counts(petition_id=petition.pk)
    all_signatures = Signature.objects.filter(petition=petition).count()
    by_state = petition.campaign.region_kind == RegionKind.BR_STATE
    by_place = dict(counts.by_region if by_state else counts.by_country)
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
    )
