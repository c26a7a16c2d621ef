"""A fixed cast for access tests: owner, organizer, viewer, outsider, each with TOTP active,
and confirmed signatures whose names and addresses must not leak."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache

from petitions.models import SignatureStatus
from tests import factories

PASSWORD = factories.PASSWORD
SECRET = factories.TOTP_SECRET
EU = "banfacialrecognitioneu"
BR = "tiremeurostodasuamira"
# Names and addresses that must never show up where they do not belong.
LEAKY_NAMES = ["Zoë Leakwell", "Łukasz Żółć"]
LEAKY_EMAILS = ["zoe.leakwell@example.org", "lukasz@example.org", "pending.person@example.org"]


def totp_code(secret: str = SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def make_user(email: str, *, totp: bool = True, **extra):
    return factories.user(email=email, totp=totp, **extra)


def login(client, user, *, totp: bool = True):
    """Sign in as a person would: email and password, then the authenticator code."""
    cache.clear()  # a TOTP code is accepted once per period and user
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    if totp:
        assert response["Location"] == "/accounts/2fa/authenticate/"
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
        assert response.status_code == 302, response.content
    assert response["Location"] == "/organize/"
    return client


def add_signature(petition, *, name, email, country, region="", status="confirmed", **extra):
    return factories.signature(
        petition=petition,
        name=name,
        email=email,
        country=country,
        region=region,
        confirmed=status == SignatureStatus.CONFIRMED,
        **extra,
    )


@pytest.fixture(autouse=True)
def _totp_tolerance(settings):
    # A code computed just before a 30-second boundary is still valid just after it.
    settings.MFA_TOTP_TOLERANCE = 1


@pytest.fixture
def signatures(eu_petition, br_petition):
    partner = eu_petition.campaign.partners.first()
    rows = [
        add_signature(
            eu_petition, name="Zoë Leakwell", email="zoe.leakwell@example.org", country="DE"
        ),
        add_signature(
            eu_petition,
            name="Łukasz Żółć",
            email="lukasz@example.org",
            country="PL",
            partner=partner,
            source="widget",
            days_ago=2,
        ),
        add_signature(eu_petition, name="Ana Sousa", email="ana@example.org", country="PT"),
        add_signature(
            eu_petition,
            name="Pending Person",
            email="pending.person@example.org",
            country="DE",
            status="pending",
        ),
        add_signature(
            br_petition, name="João Conceição", email="joao@example.org", country="BR",
            region="BR-SP",
        ),
    ]  # fmt: skip
    return rows


@pytest.fixture
def cast(campaigns):
    people = {
        role: factories.member(campaign=campaigns[EU], role=role, email=f"{role}@example.org")
        for role in ("owner", "organizer", "viewer")
    }
    # The outsider owns the other campaign: a role elsewhere grants nothing here.
    people["outsider"] = factories.member(
        campaign=campaigns[BR], role="owner", email="outsider@example.org"
    )
    return people
