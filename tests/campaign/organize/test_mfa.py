"""TOTP is mandatory wherever personal data can be seen, the admin included."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.core.cache import cache

from tests import factories
from tests.campaign.organize.conftest import (
    EU,
    LEAKY_EMAILS,
    LEAKY_NAMES,
    PASSWORD,
    login,
    make_user,
    totp_code,
)

SETUP = "/accounts/2fa/totp/activate/"


@pytest.fixture
def no_mfa_organizer(campaigns):
    return factories.member(
        campaign=campaigns[EU], role="owner", email="nomfa@example.org", totp=False
    )


@pytest.mark.parametrize(
    "path",
    [
        "/organize/",
        f"/organize/{EU}/",
        f"/organize/{EU}/signers/",
        f"/organize/{EU}/exports/signers.csv",
        f"/organize/{EU}/audit/",
        "/partner/",
        "/admin/",
        "/admin/petitions/signature/",
    ],
)
def test_account_without_totp_is_sent_to_setup(client, no_mfa_organizer, signatures, path):
    no_mfa_organizer.is_staff = no_mfa_organizer.is_superuser = True
    no_mfa_organizer.save()
    login(client, no_mfa_organizer, totp=False)
    response = client.get(path)
    assert (response.status_code, response["Location"]) == (
        302,
        f"{SETUP}?{urlencode({'next': path})}",
    )
    for leaky in LEAKY_NAMES + LEAKY_EMAILS:
        assert leaky not in response.content.decode()


@pytest.fixture
def script_prefix():
    """The site mounted under /petitions/ (SCRIPT_NAME), as a WSGI server would set it."""
    from django.urls import set_script_prefix

    set_script_prefix("/petitions/")
    yield "/petitions"
    set_script_prefix("/")


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/petitions/signature/", "/partner/", f"/organize/{EU}/signers/"]
)
def test_account_without_totp_is_sent_to_setup_under_a_url_prefix(
    client, no_mfa_organizer, signatures, script_prefix, path
):
    no_mfa_organizer.is_staff = no_mfa_organizer.is_superuser = True
    no_mfa_organizer.save()
    login(client, no_mfa_organizer, totp=False)
    response = client.get(path, SCRIPT_NAME=script_prefix)
    assert (response.status_code, response["Location"]) == (
        302,
        f"{script_prefix}{SETUP}?{urlencode({'next': script_prefix + path})}",
    )
    for leaky in LEAKY_NAMES + LEAKY_EMAILS:
        assert leaky not in response.content.decode()


def test_account_without_totp_can_set_it_up_and_then_enter(client, no_mfa_organizer, signatures):
    login(client, no_mfa_organizer, totp=False)
    # allauth asks for the password again before adding an authenticator.
    response = client.get(SETUP)
    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/reauthenticate/?{urlencode({'next': SETUP})}",
    )
    response = client.post(response["Location"], {"password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, SETUP)
    response = client.get(SETUP)
    assert response.status_code == 200
    assert "Activate Authenticator App" in response.content.decode()
    secret = client.session["mfa.totp.secret"]
    response = client.post(SETUP, {"code": totp_code(secret)})
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/2fa/recovery-codes/",
    )
    response = client.get(f"/organize/{EU}/signers/")
    assert response.status_code == 200
    assert "Zoë Leakwell" in response.content.decode()


def test_admin_login_goes_through_allauth(client, campaigns):
    response = client.get("/admin/login/?next=/admin/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=%2Fadmin%2F",
    )


def test_admin_shows_signatures_only_with_totp(client, signatures):
    admin = make_user("admin@example.org", is_staff=True, is_superuser=True)
    login(client, admin)
    body = client.get("/admin/petitions/signature/").content.decode()
    assert "Zoë Leakwell" in body


def test_staff_without_totp_cannot_use_the_admin_even_with_a_password(client, signatures):
    admin = make_user("admin2@example.org", totp=False, is_staff=True, is_superuser=True)
    login(client, admin, totp=False)
    response = client.get("/admin/petitions/signature/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_personal_export_asks_again_for_totp_after_the_time_limit(client, cast, signatures):
    login(client, cast["organizer"])
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] = time.time() - 601
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()
    path = f"/organize/{EU}/exports/signers.csv"

    response = client.get(path)
    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/2fa/reauthenticate/?{urlencode({'next': path})}",
    )
    # Counts only: no fresh check needed.
    assert client.get(f"/organize/{EU}/exports/summary_country.csv").status_code == 200

    cache.clear()
    response = client.post(
        f"/accounts/2fa/reauthenticate/?{urlencode({'next': path})}", {"code": totp_code()}
    )
    assert (response.status_code, response["Location"]) == (302, path)
    response = client.get(path)
    assert response.status_code == 200
    assert "Zoë Leakwell" in b"".join(response.streaming_content).decode()


def test_login_failures_are_rate_limited(client, cast):
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"login": "owner@example.org", "password": "wrong"}
        )
        assert response.status_code == 200
    response = client.post(
        "/accounts/login/",
        {"login": "owner@example.org", "password": "correct horse battery staple"},
    )
    assert "Too many failed login attempts" in response.content.decode()


def test_deploy_check_warns_about_a_per_process_rate_limit_cache(settings):
    from campaign.conf.checks import check_rate_limit_cache

    assert [w.id for w in check_rate_limit_cache(None)] == ["campaign.W001"]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379",
        }
    }
    assert check_rate_limit_cache(None) == []
