"""Fixed-window rate counters shared by every web process.

With REDIS_URL the counters live in Redis (``cache.add`` then ``cache.incr``: both atomic
there). Without it they live in PostgreSQL, incremented by one ``INSERT … ON CONFLICT DO
UPDATE … RETURNING``, which is atomic too. Local memory is never used for limits: each
gunicorn worker would keep its own counters (N workers, N times the limit) and a restart would
reset them; Django's database cache is no better, as its ``incr`` is a read then a write.

The database counting is written once in Python (``count_in_database``) and once more inside
the signing procedure petitions_sign_counted (migration 0010), which counts a signature's
limits in the same round trip as the signature itself: see ``count_in_database``.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from petitions.models import RateCounter


def parse_rate(rate: str) -> tuple[int, int]:
    """``"10/600"`` → (10 events, per 600 seconds)."""
    limit, _, seconds = rate.partition("/")
    return int(limit), int(seconds)


@dataclass(frozen=True)
class RateCheck:
    """One limit to count a signature against: its counter in this window, and why to hold."""

    counter: str
    expires_at: datetime.datetime
    limit: int
    reason: str


def window_counter(key: str, window: int, *, now: float) -> tuple[str, datetime.datetime]:
    """The name of ``key``'s counter in the window of ``window`` seconds holding ``now``, and
    when that window ends."""
    bucket = int(now // window)
    # Hashed, so a counter names no address or domain; it lives at most one window anyway.
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    expires_at = datetime.datetime.fromtimestamp((bucket + 1) * window, datetime.UTC)
    return f"rl:{digest}:{window}:{bucket}", expires_at


def rate_check(key: str, rate: str, reason: str) -> RateCheck:
    """A limit for the signing call to count in the database (see petitions_sign_counted)."""
    limit, window = parse_rate(rate)
    return RateCheck(*window_counter(key, window, now=time.time()), limit=limit, reason=reason)


def hit(key: str, *, window: int) -> int:
    """Count one event for ``key`` in the current window; the count including this one.

    Side effect: one Redis round trip or one UPSERT (``count_in_database``).
    """
    full_key, expires_at = window_counter(key, window, now=time.time())
    if settings.RATE_LIMIT_STORE == "cache":
        cache = caches[settings.RATE_LIMIT_CACHE]
        cache.add(full_key, 0, timeout=window + 1)
        try:
            return cache.incr(full_key)
        except ValueError:  # expired between add and incr: this is the window's first event
            cache.add(full_key, 1, timeout=window + 1)
            return 1
    return count_in_database([(full_key, expires_at)])[full_key]


def over_limit(key: str, rate: str) -> bool:
    """Count one event and say whether it goes over ``rate`` (``"limit/seconds"``)."""
    return over_limits([(key, rate)])[0]


def over_limits(checks: list[tuple[str, str]]) -> list[bool]:
    """Count one event for each (key, rate) and say, in order, which go over their rate.

    In PostgreSQL all counters move in one statement (``count_in_database``).
    """
    if settings.RATE_LIMIT_STORE == "cache":
        return [hit(key, window=parse_rate(rate)[1]) > parse_rate(rate)[0] for key, rate in checks]
    now = time.time()
    rows = []
    for key, rate in checks:
        limit, window = parse_rate(rate)
        rows.append((*window_counter(key, window, now=now), limit))
    counts = count_in_database([(full_key, expires_at) for full_key, expires_at, _ in rows])
    return [counts[full_key] > limit for full_key, _, limit in rows]


def count_in_database(
    counters: list[tuple[str, datetime.datetime]],
) -> dict[str, int]:
    """Count one event on each (counter, end of its window); each counter's count after it.

    The one Python implementation of the PostgreSQL counters, for every limit counted outside
    the signing call: one multi-row UPSERT, so one round trip and one commit however many
    counters move, rows locked in key order so that concurrent statements cannot deadlock.
    A counter named twice is counted once.

    Its one other copy is inside the procedure petitions_sign_counted (migration 0010), the
    same INSERT … ON CONFLICT (key) DO UPDATE SET count = count + 1 in key order: a signature
    counts its limits there (``rate_check`` names the counters, ``window_counter`` here) in
    the same round trip as the signature, which a call from Python could not do without a
    second round trip. Both increment the same rows, so a limit counted here and one counted
    by signing add up. Change one, change the other (in a new migration).
    """
    values = sorted(set(counters))
    placeholders = ", ".join(["(%s, 1, %s)"] * len(values))
    # Counters are advisory: a crash may lose the last few increments, so the commit need not
    # wait for the disk and the petition's shared row is locked only briefly. Outside a
    # transaction, the SET LOCAL and the UPSERT go as one query, which PostgreSQL runs as one
    # implicit transaction: one round trip, no BEGIN or COMMIT of their own.
    prefix = "" if connection.in_atomic_block else "SET LOCAL synchronous_commit TO OFF; "
    with connection.cursor() as cursor:
        cursor.execute(
            prefix
            + "INSERT INTO petitions_ratecounter (key, count, expires_at) VALUES "
            + placeholders
            + " ON CONFLICT (key) DO UPDATE SET count = petitions_ratecounter.count + 1"
            " RETURNING key, count",
            [item for pair in values for item in pair],
        )
        return dict(cursor.fetchall())


def delete_expired_counters() -> int:
    """Side effect: deletes database counters whose window has ended."""
    deleted, _ = RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
