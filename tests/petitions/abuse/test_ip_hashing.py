"""IP hashes: a random key per UTC day, shared, gone after its day; IPv6 by its /64."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.test import Client

from petitions.abuse.ip_hashing import forget_cached_key, hash_address, rate_limited_part
from petitions.models import HeldReason, IpHashKey, Signature
from petitions.rights.retention import purge_expired
from tests.petitions.helpers import form_token

EU = "banfacialrecognitioneu"
ADDRESS = "203.0.113.7"


def today_utc() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def hmac_hex(key: bytes, address: str) -> str:
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def test_hash_key_is_one_random_row_per_day_shared_by_every_process(db):
    now = today_utc()
    first = hash_address(ADDRESS, now=now)
    forget_cached_key()  # as another process (or host) would start, with nothing in memory
    second = hash_address(ADDRESS, now=now)
    [row] = IpHashKey.objects.all()
    assert (row.day, len(bytes(row.key))) == (now.date(), 32)
    assert first == second == hmac_hex(bytes(row.key), ADDRESS)
    assert hash_address("203.0.113.8", now=now) != first


def test_hash_key_of_a_new_day_is_a_new_random_key(db):
    now = today_utc()
    tomorrow = now + datetime.timedelta(days=1)
    today_hash = hash_address(ADDRESS, now=now)
    tomorrow_hash = hash_address(ADDRESS, now=tomorrow)
    keys = dict(IpHashKey.objects.values_list("day", "key"))
    assert sorted(keys) == [now.date(), tomorrow.date()]
    assert bytes(keys[now.date()]) != bytes(keys[tomorrow.date()])
    assert tomorrow_hash == hmac_hex(bytes(keys[tomorrow.date()]), ADDRESS)
    assert tomorrow_hash != today_hash


def test_past_days_keys_are_deleted_by_the_purge_and_never_read_again(db, settings):
    now = today_utc()
    yesterday = (now - datetime.timedelta(days=1)).date()
    old_key = secrets.token_bytes(32)
    IpHashKey.objects.create(day=yesterday, key=old_key)  # made yesterday, before the purge
    yesterdays_hash = hmac_hex(old_key, ADDRESS)
    today_hash = hash_address(ADDRESS, now=now)

    report = purge_expired()

    assert report.ip_hash_keys_deleted == 1
    assert list(IpHashKey.objects.values_list("day", flat=True)) == [now.date()]
    # Asked for the past day, even by a process that lost its copy, the key is today's.
    forget_cached_key()
    assert hash_address(ADDRESS, now=now - datetime.timedelta(days=1)) == today_hash
    assert today_hash != yesterdays_hash
    # Nothing in the settings recomputes a day's key, as the SECRET_KEY-derived key did.
    derived = hmac.new(
        settings.SECRET_KEY.encode(), f"ip-hash:{now.date().isoformat()}".encode(), hashlib.sha256
    ).digest()
    assert today_hash != hmac_hex(derived, ADDRESS)


def test_purge_keeps_the_key_of_the_current_day(db):
    now = today_utc()
    before = hash_address(ADDRESS, now=now)
    assert purge_expired().ip_hash_keys_deleted == 0
    forget_cached_key()
    assert hash_address(ADDRESS, now=now) == before


def test_ipv6_addresses_are_hashed_by_their_64_bit_prefix(db):
    assert [
        rate_limited_part(address)
        for address in [
            "2001:db8:1:2::1",
            "2001:DB8:1:2:aaaa:bbbb:cccc:dddd",
            "2001:db8:1:3::1",
            "::ffff:192.0.2.5",
            "192.0.2.5",
            "",
        ]
    ] == [
        "2001:db8:1:2::/64",
        "2001:db8:1:2::/64",
        "2001:db8:1:3::/64",
        "192.0.2.5",
        "192.0.2.5",
        "",
    ]
    now = today_utc()
    assert hash_address("2001:db8:1:2::1", now=now) == hash_address("2001:db8:1:2:ffff::9", now=now)
    assert hash_address("2001:db8:1:2::1", now=now) != hash_address("2001:db8:1:3::1", now=now)
    assert hash_address("::ffff:192.0.2.5", now=now) == hash_address("192.0.2.5", now=now)


def sign_from(client: Client, address: str, email: str) -> None:
    response = client.post(
        f"/en/{EU}/sign/",
        {
            "name": "Ada Lovelace",
            "email": email,
            "country": "DE",
            "privacy_consent": "on",
            "form_token": form_token(client, f"/en/{EU}/"),
        },
        REMOTE_ADDR=address,
    )
    assert (response.status_code, response["Location"]) == (303, f"/en/{EU}/check-email/")


def test_rate_limit_counts_one_ipv6_64_as_one_client(client, campaigns, settings):
    settings.RATE_LIMIT_IP = "2/600"
    settings.RATE_LIMIT_DOMAIN = "1000/600"
    sign_from(client, "2001:db8:aa:1::10", "one@example.org")
    sign_from(client, "2001:db8:aa:1:1234:5678:9abc:def0", "two@example.org")
    sign_from(client, "2001:db8:aa:1::ffff", "three@example.org")
    sign_from(client, "2001:db8:aa:2::10", "other@example.org")
    sign_from(client, "2001:db8:aa:3::10", "another@example.org")
    rows = Signature.objects.order_by("pk").values_list("email", "held_reason", "ip_hash")
    assert [(email, reason) for email, reason, _ in rows] == [
        ("one@example.org", ""),
        ("two@example.org", ""),
        ("three@example.org", HeldReason.RATE_IP),
        ("other@example.org", ""),
        ("another@example.org", ""),
    ]
    assert len({ip_hash for _, _, ip_hash in rows}) == 3


def test_hash_key_is_read_from_memory_once_committed(
    db, django_assert_num_queries, django_capture_on_commit_callbacks
):
    now = today_utc()
    with django_capture_on_commit_callbacks(execute=True):
        first = hash_address(ADDRESS, now=now)
    with django_assert_num_queries(0):
        assert hash_address(ADDRESS, now=now) == first
    # A new day is not served from the old day's copy.
    with django_assert_num_queries(2):
        assert hash_address(ADDRESS, now=now + datetime.timedelta(days=1)) != first


def test_hash_key_of_a_transaction_not_yet_committed_is_not_kept_in_memory(
    db, django_assert_num_queries
):
    now = today_utc()
    hash_address(ADDRESS, now=now)  # inside the test's transaction, which is rolled back
    with django_assert_num_queries(2):
        hash_address(ADDRESS, now=now)
