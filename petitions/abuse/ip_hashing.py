"""Keyed hashes of client addresses that nobody can reverse once their day is over.

Each UTC day has its own random key (``secrets.token_bytes``), made on first use and kept in
PostgreSQL (``IpHashKey``) so that every process and host hashes an address alike that day.
``purge_expired`` deletes the keys of past days, and no function here reads one: a hash from
an earlier day can then not be recomputed, neither from the settings nor from the database,
so searching the whole IPv4 space for it is no longer possible. Each process keeps the
current day's key in memory, so the sign path reads the database once a day, not per request.

An IPv6 address is hashed by its /64 prefix, which one home connection or phone usually holds
whole (an IPv4-mapped IPv6 address is its IPv4 address), so the per-address rate limit counts
that connection once however many addresses it takes from its prefix.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import secrets

from django.db import connection, transaction

# The key of the current day; never one of an earlier day's.
_KEY_DAY = "GREATEST(%s, (statement_timestamp() AT TIME ZONE 'UTC')::date)"
_CREATE_KEY = (
    f"INSERT INTO petitions_iphashkey (day, key) VALUES ({_KEY_DAY}, %s) "
    "ON CONFLICT (day) DO NOTHING"
)
_READ_KEY = f"SELECT key FROM petitions_iphashkey WHERE day = {_KEY_DAY}"

# (day, key) of the day this process last hashed in: one entry, so yesterday's key leaves
# memory with the first hash of the new day.
_cached: tuple[datetime.date, bytes] | None = None


def hash_address(address: str, *, now: datetime.datetime | None = None) -> str:
    """The hex HMAC-SHA256 of ``address`` (its /64 for IPv6) under the day's key.

    Side effect: on the first call of a UTC day in this process, one INSERT … ON CONFLICT DO
    NOTHING and one SELECT (the key is made by whichever process comes first).
    """
    now = now or datetime.datetime.now(datetime.UTC)
    key = day_key(now.astimezone(datetime.UTC).date())
    return hmac.new(key, rate_limited_part(address).encode(), hashlib.sha256).hexdigest()


def rate_limited_part(address: str) -> str:
    """What of an address identifies one connection: an IPv4 address, an IPv6 /64 prefix.

    Anything that is no IP address (a Unix socket's empty address) is returned unchanged.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def day_key(day: datetime.date) -> bytes:
    """The random key of ``day`` (UTC), or of the database's current day if ``day`` is over.

    A host whose clock lags a little behind at midnight thus gets the new day's key, never
    the old one back after the purge. The key is kept in this process only once it is
    committed: a key made inside a transaction that rolls back never existed for the others.
    """
    global _cached
    cached = _cached
    if cached is not None and cached[0] == day:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(_CREATE_KEY, [day, secrets.token_bytes(32)])
        cursor.execute(_READ_KEY, [day])
        key = bytes(cursor.fetchone()[0])

    def remember() -> None:
        global _cached
        _cached = (day, key)

    if connection.in_atomic_block:
        transaction.on_commit(remember)
    else:
        remember()
    return key


def forget_cached_key() -> None:
    """Drop this process's copy of the day's key (tests; a process that must not keep it)."""
    global _cached
    _cached = None


def delete_past_keys(*, today: datetime.date) -> int:
    """Side effect: deletes the keys of the days before ``today`` (UTC) or before the
    database's current day, whichever is earlier, so a host whose clock runs ahead never
    deletes a key others still use. Returns how many were deleted."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM petitions_iphashkey WHERE day < "
            "LEAST(%s, (statement_timestamp() AT TIME ZONE 'UTC')::date)",
            [today],
        )
        return cursor.rowcount
