"""What a coalition partner may see: its own signatures' counts and the supporters who opted in
to it. Every query here is filtered by the partner first, so nothing of other partners leaks.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from campaign.campaigns.models import Partner
from petitions.models import Petition, Signature
from petitions.reporting.exports.base import neutralise

SUPPORTER_COLUMNS = ["name", "email", "country", "region", "language", "date"]


def partner_signature_count(*, petition: Petition, partner: Partner) -> int:
    """Counted signatures of the petition that came through the partner (widget or link)."""
    return Signature.objects.counted().filter(petition=petition, partner=partner).count()


@dataclass(frozen=True)
class PartnerCounts:
    total: int
    by_day: list[tuple[datetime.date, int]]
    by_widget: list[tuple[str, int]]  # (widget key, count); "" for the hosted-page link
    opted_in: int


def partner_summary(*, partner: Partner) -> PartnerCounts:
    """The partner's counted signatures in total, per confirmation day and per widget."""
    counted = Signature.objects.counted().filter(partner=partner)
    by_day = [
        (row["day"], row["n"])
        for row in counted.annotate(day=TruncDate("confirmed_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("-day")
    ]
    by_widget = [
        (row["widget__key"] or "", row["n"])
        for row in counted.values("widget__key").annotate(n=Count("id")).order_by("-n")
    ]
    return PartnerCounts(
        total=sum(n for _, n in by_day),
        by_day=by_day,
        by_widget=by_widget,
        opted_in=opted_in_supporters(partner=partner).count(),
    )


def opted_in_supporters(*, partner: Partner) -> QuerySet[Signature]:
    """Counted signers who ticked "keep me informed by <partner>" for this very partner."""
    return (
        Signature.objects.counted()
        .filter(
            partner=partner,
            partner_opt_in=True,
            consents__partner=partner,
            consents__text__kind="partner",
        )
        .order_by("confirmed_at", "id")
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def supporters_csv(*, partner: Partner) -> Iterator[str]:
    """The opted-in supporters as CSV lines, streamed; cells that could run as spreadsheet
    formulas (=, +, -, @ ...) are neutralised as in every export.
    """
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(SUPPORTER_COLUMNS)  # BOM: Excel then reads UTF-8
    rows = opted_in_supporters(partner=partner).values_list(
        "name", "email", "country", "region", "locale", "confirmed_at"
    )
    for name, email, country, region, locale, confirmed_at in rows.iterator(chunk_size=2000):
        cells = [name, email, country, region, locale, confirmed_at.date().isoformat()]
        yield writer.writerow([neutralise(cell) for cell in cells])
