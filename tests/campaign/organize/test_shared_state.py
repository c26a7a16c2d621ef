"""Without REDIS_URL, login limits and used TOTP codes are shared by every worker process
through PostgreSQL: two clients stand for two workers that share only the database."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

from campaign.conf.checks import check_rate_limit_cache
from campaign.settings import cache_settings
from tests.campaign.organize.conftest import PASSWORD, make_user, totp_code

TOO_MANY = "Too many failed login attempts"


@pytest.fixture
def without_redis(settings):
    """The caches exactly as settings.py makes them when REDIS_URL is unset."""
    settings.CACHES = cache_settings(None)
    return settings


def forget_local_memory(settings) -> None:
    """What one worker process keeps to itself is unknown to the next."""
    for alias, config in settings.CACHES.items():
        if config["BACKEND"].endswith("LocMemCache"):
            caches[alias].clear()


def test_without_redis_the_shared_cache_is_postgresql_and_pages_stay_in_memory(without_redis):
    assert {alias: config["BACKEND"] for alias, config in without_redis.CACHES.items()} == {
        "default": "django.core.cache.backends.db.DatabaseCache",
        "pages": "django.core.cache.backends.locmem.LocMemCache",
    }
    assert check_rate_limit_cache(None) == []


def test_sixth_wrong_password_is_refused_across_workers(db, without_redis):
    user = make_user("owner@example.org")
    workers = [Client(), Client()]
    for attempt in range(5):
        forget_local_memory(without_redis)
        response = workers[attempt % 2].post(
            "/accounts/login/", {"login": user.email, "password": "wrong"}
        )
        assert (response.status_code, TOO_MANY in response.content.decode()) == (200, False)
    forget_local_memory(without_redis)
    response = workers[1].post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert (response.status_code, TOO_MANY in response.content.decode()) == (200, True)


def test_a_totp_code_is_accepted_once_across_workers(db, without_redis, settings):
    settings.MFA_TOTP_TOLERANCE = 1
    user = make_user("owner@example.org")
    workers = [Client(), Client()]
    for worker in workers:
        response = worker.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        assert (response.status_code, response["Location"]) == (
            302,
            "/accounts/2fa/authenticate/",
        )
    code = totp_code()
    answers = []
    for worker in workers:
        forget_local_memory(without_redis)
        response = worker.post("/accounts/2fa/authenticate/", {"code": code})
        answers.append((response.status_code, response.get("Location")))
    assert answers == [(302, "/organize/"), (200, None)]
