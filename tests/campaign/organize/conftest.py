"""A fixed cast for access tests: owner, organizer, viewer, outsider, each with TOTP active,
and confirmed signatures whose names and addresses must not leak."""

from __future__ import annotations

import datetime
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from campaign.campaigns.models import CampaignMembership
from petitions.models import Signature, SignatureStatus

PASSWORD = "correct horse battery staple"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
EU = "banfacialrecognitioneu"
BR = "tiremeurostodasuamira"
# Names and addresses that must never show up where they do not belong.
LEAKY_NAMES = ["Zoë Leakwell", "Łukasz Żółć"]
LEAKY_EMAILS = ["zoe.leakwell@example.org", "lukasz@example.org", "pending.person@example.org"]


def totp_code(secret: str = SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def make_user(email: str, *, totp: bool = True, **extra):
    user = get_user_model().objects.create_user(
        username=email, email=email, password=PASSWORD, **extra
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if totp:
        TOTP.activate(user, SECRET)
    return user


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
    confirmed = status == SignatureStatus.CONFIRMED
    return Signature.objects.create(
        petition=petition,
        name=name,
        email=email,
        email_key=email.lower(),
        country=country,
        region=region,
        locale="en",
        status=status,
        confirmed_at=timezone.now() - datetime.timedelta(days=extra.pop("days_ago", 0))
        if confirmed
        else None,
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
    eu = campaigns[EU]
    people = {
        "owner": make_user("owner@example.org"),
        "organizer": make_user("organizer@example.org"),
        "viewer": make_user("viewer@example.org"),
        "outsider": make_user("outsider@example.org"),
    }
    for role in ("owner", "organizer", "viewer"):
        CampaignMembership.objects.create(user=people[role], campaign=eu, role=role)
    # The outsider owns the other campaign: a role elsewhere grants nothing here.
    CampaignMembership.objects.create(user=people["outsider"], campaign=campaigns[BR], role="owner")
    return people
