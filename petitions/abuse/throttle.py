"""Fixed-window rate counters shared by every web process.

With REDIS_URL the counters live in Redis (``cache.add`` then ``cache.incr``: both atomic
there). Without it they live in PostgreSQL, incremented by one ``INSERT … ON CONFLICT DO
UPDATE … RETURNING``, which is atomic too. Local memory is never used for limits: each
gunicorn worker would keep its own counters (N workers, N times the limit) and a restart would
reset them; Django's database cache is no better, as its ``incr`` is a read then a write.
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

_UPSERT = """
INSERT INTO petitions_ratecounter (key, count, expires_at) VALUES (%s, 1, %s)
ON CONFLICT (key) DO UPDATE SET count = petitions_ratecounter.count + 1
RETURNING count
"""


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

    Side effect: one Redis round trip or one UPSERT (in autocommit, so the row lock is brief).
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
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [full_key, expires_at])
        return cursor.fetchone()[0]


def over_limit(key: str, rate: str) -> bool:
    """Count one event and say whether it goes over ``rate`` (``"limit/seconds"``)."""
    return over_limits([(key, rate)])[0]


def over_limits(checks: list[tuple[str, str]]) -> list[bool]:
    """Count one event for each (key, rate) and say, in order, which go over their rate.

    In PostgreSQL all counters move in one multi-row UPSERT: one round trip and one commit per
    signature however many limits apply, with rows locked in key order so that concurrent
    statements cannot deadlock.
    """
    if settings.RATE_LIMIT_STORE == "cache":
        return [hit(key, window=parse_rate(rate)[1]) > parse_rate(rate)[0] for key, rate in checks]
    now = time.time()
    rows = []
    for key, rate in checks:
        limit, window = parse_rate(rate)
        rows.append((*window_counter(key, window, now=now), limit))
    values = sorted({(full_key, expires_at) for full_key, expires_at, _ in rows})
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
        counts = dict(cursor.fetchall())
    return [counts[full_key] > limit for full_key, _, limit in rows]


def delete_expired_counters() -> int:
    """Side effect: deletes database counters whose window has ended."""
    deleted, _ = RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
