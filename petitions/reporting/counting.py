"""Counting confirmed signatures without a hot row.

Confirming only flips a signature's status. A flush moves confirmed-but-uncounted
signatures into SignatureCount (one row per petition, country and region) in a single
statement under a per-petition advisory lock, as alphagov/e-petitions batches its counts.
Reads flush first, so a count is exact as of the read; ``reconcile_counts`` recounts the rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.functions import Now, TruncDate

from petitions.models import Petition, Signature, SignatureCount, counted_sql

_LOCK_NAMESPACE = 7_202_611  # arbitrary, distinguishes our advisory locks from others

_FLUSH = f"""
WITH flipped AS (
    UPDATE petitions_signature SET counted = true
    WHERE petition_id = %(petition)s AND {counted_sql()} AND NOT counted
    RETURNING country, region
), grouped AS (
    SELECT country, region, count(*) AS n FROM flipped GROUP BY country, region
)
INSERT INTO petitions_signaturecount (petition_id, country, region, count, updated_at)
SELECT %(petition)s, country, region, n, now() FROM grouped
ON CONFLICT (petition_id, country, region)
DO UPDATE SET count = petitions_signaturecount.count + EXCLUDED.count, updated_at = now()
"""


def flush_counts(*, petition_id: int, wait: bool = False) -> bool:
    """Add newly confirmed signatures to the stored counts.

    Returns False when another process holds the petition's lock and ``wait`` is false:
    that process is flushing already. Side effect: UPDATE of signatures, UPSERT of counts.
    """
    lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {lock}(%s, %s)", [_LOCK_NAMESPACE, petition_id])
        acquired = cursor.fetchone()[0] is not False
        if acquired:
            cursor.execute(_FLUSH, {"petition": petition_id})
        return acquired


def lock_counts(*, petition_id: int) -> None:
    """Take the petition's counting lock until the end of the current transaction.

    For code that changes counted signatures (withdrawal, release): no flush runs meanwhile.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, petition_id])


def uncount(*, petition_id: int, country: str, region: str) -> None:
    """Take one counted signature out of the stored counts; call under ``lock_counts``."""
    SignatureCount.objects.filter(
        petition_id=petition_id, country=country, region=region, count__gt=0
    ).update(count=F("count") - 1, updated_at=Now())


@dataclass(frozen=True)
class PetitionCounts:
    total: int
    by_country: dict[str, int] = field(default_factory=dict)
    by_region: dict[str, int] = field(default_factory=dict)
    updated_at: datetime.datetime | None = None


def petition_counts(*, petition_id: int) -> PetitionCounts:
    """The petition's confirmed signatures in total, per country and per region."""
    flush_counts(petition_id=petition_id)
    by_country: dict[str, int] = {}
    by_region: dict[str, int] = {}
    total = 0
    updated_at = None
    for row in SignatureCount.objects.filter(petition_id=petition_id, count__gt=0).order_by(
        "country", "region"
    ):
        total += row.count
        code = str(row.country)
        if code:  # no country: a campaign that asks for no place
            by_country[code] = by_country.get(code, 0) + row.count
        if row.region:
            by_region[row.region] = by_region.get(row.region, 0) + row.count
        if updated_at is None or row.updated_at > updated_at:
            updated_at = row.updated_at
    return PetitionCounts(total, by_country, by_region, updated_at)


@dataclass(frozen=True)
class Reconciliation:
    petition_id: int
    corrected: dict[tuple[str, str], tuple[int, int]]  # place -> (stored, actual)


def reconcile_counts(*, petition: Petition) -> Reconciliation:
    """Recount the petition's confirmed rows and correct any stored count that differs.

    Holds the advisory lock, so no flush runs meanwhile. Side effect: UPDATE/INSERT of counts.
    """
    corrected: dict[tuple[str, str], tuple[int, int]] = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, petition.pk])
            cursor.execute(_FLUSH, {"petition": petition.pk})
        actual = {
            (str(r["country"]), r["region"]): r["n"]
            for r in Signature.objects.counted()
            .filter(petition=petition)
            .values("country", "region")
            .annotate(n=Count("id"))
        }
        stored = {
            (str(c.country), c.region): c for c in SignatureCount.objects.filter(petition=petition)
        }
        for place in set(actual) | set(stored):
            want = actual.get(place, 0)
            row = stored.get(place)
            have = row.count if row else 0
            if want == have:
                continue
            corrected[place] = (have, want)
            if row is None:
                SignatureCount.objects.create(
                    petition=petition, country=place[0], region=place[1], count=want
                )
            else:
                row.count = want
                row.save(update_fields=["count", "updated_at"])
    return Reconciliation(petition.pk, corrected)


def counts_by_day(*, petition_id: int) -> list[tuple[datetime.date, int]]:
    """Counted signatures per day of confirmation (UTC), oldest day first."""
    return list(
        Signature.objects.counted()
        .filter(petition_id=petition_id)
        .annotate(day=TruncDate("confirmed_at", tzinfo=datetime.UTC))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )


def counts_by_source(*, petition_id: int) -> list[tuple[str | None, str, int]]:
    """Counted signatures per (partner name, source), the largest group first; the partner's
    name is None for signatures that came through no partner."""
    return list(
        Signature.objects.counted()
        .filter(petition_id=petition_id)
        .values_list("partner__name", "source")
        .annotate(n=Count("id"))
        .order_by("-n", "partner__name", "source")
    )
