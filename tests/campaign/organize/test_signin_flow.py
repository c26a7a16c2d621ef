"""Sign-in a busy volunteer gets through: password once, then the code, then the page asked
for; TOTP setup goes on; an invitation takes four steps; re-authentication is by code only."""

from __future__ import annotations

import re
import time
from urllib.parse import unquote

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache

from campaign.campaigns.invitation_links import make_invitation_token
from campaign.campaigns.models import CampaignMembership, Invitation
from tests.campaign.organize.conftest import EU, PASSWORD, totp_code

SIGNUP = "/accounts/signup/"
SETUP = "/accounts/2fa/totp/activate/"


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_password_once_then_code_then_the_page_asked_for(client, cast):
    cache.clear()
    wanted = f"/organize/{EU}/audit/"
    response = client.get(wanted)
    assert unquote(response["Location"]) == f"/accounts/login/?next={wanted}"
    response = client.post(
        response["Location"], {"login": "owner@example.org", "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response["Location"] == wanted
    assert client.get(wanted).status_code == 200


def invitation_for(campaigns, email, **extra):
    invitation = Invitation.objects.create(
        campaign=campaigns[EU], email=email, language="en", **{"role": "organizer", **extra}
    )
    return invitation, f"/organize/invitations/{make_invitation_token(invitation)}/"


def test_invitation_in_four_steps_with_the_address_filled_in(client, cast, campaigns):
    invitation, link = invitation_for(campaigns, "New.Volunteer@example.org")
    invitation.invited_by = cast["owner"]
    invitation.save()
    # 1. The link leads (by way of the sign-in page) to a sign-up form naming the invitation.
    response = client.get(link, follow=True)
    assert unquote(response.redirect_chain[-1][0]) == f"{SIGNUP}?next={link}"
    body = response.content.decode()
    assert "Join #BanFacialRecognitionEU" in body or "Join " in body
    assert "owner@example.org" in body  # who invited
    assert re.search(r'name="email"[^>]*value="New.Volunteer@example.org"', body)
    assert "readonly" in re.search(r'<input[^>]*name="email"[^>]*>', body).group(0)
    token = re.search(r'name="invitation" value="([^"]+)"', body).group(1)
    # 2. Signing up: no confirmation email, signed in at once, on to the campaign.
    response = client.post(
        SIGNUP,
        {
            "email": "New.Volunteer@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "invitation": token,
            "next": link,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/organize/{EU}/"
    assert mail.outbox == []
    membership = CampaignMembership.objects.get(
        campaign=campaigns[EU], user__email__iexact=("new.volunteer@example.org")
    )
    assert membership.role == "organizer"
    # 3. TOTP setup (no password asked again), then 4. the recovery codes, then the campaign.
    response = client.get(response["Location"])
    assert response["Location"] == f"{SETUP}?next=%2Forganize%2F{EU}%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(SETUP, {"code": code_for(secret), "next": f"/organize/{EU}/"})
    assert response["Location"] == f"/accounts/2fa/recovery-codes/?next=%2Forganize%2F{EU}%2F"
    codes = client.get(response["Location"]).content.decode()
    assert f'href="/organize/{EU}/"' in codes
    assert client.get(f"/organize/{EU}/").status_code == 200


def test_sign_up_page_offers_sign_in_that_does_not_bounce_back(client, cast, campaigns):
    _, link = invitation_for(campaigns, "someone.new@example.org")
    body = client.get(link, follow=True).content.decode()
    sign_in = re.search(r'href="(/accounts/login/\?next=[^"]+signin=1)"', body).group(1)
    response = client.get(sign_in.replace("&amp;", "&"))
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_invited_address_with_an_account_gets_the_sign_in_form(client, cast, campaigns):
    _, link = invitation_for(campaigns, "viewer@example.org")
    response = client.get(link, follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    assert "This invitation to viewer@example.org" in response.content.decode()


def test_signed_in_with_another_address_gets_a_clear_choice(client, cast, campaigns):
    _, link = invitation_for(campaigns, "elsewhere@example.org")
    client.force_login(cast["outsider"])
    body = client.get(link).content.decode()
    assert "You are signed in as outsider@example.org" in body
    assert 'action="/accounts/logout/"' in body
    assert 'href="/accounts/email/"' in body


def test_expired_link_says_whom_to_ask(client, cast, campaigns, settings):
    invitation, link = invitation_for(campaigns, "late@example.org")
    invitation.invited_by = cast["owner"]
    invitation.save()
    settings.INVITATION_MAX_AGE = -1
    response = client.get(link)
    assert response.status_code == 404
    assert "mailto:owner@example.org" in response.content.decode()


def test_reauthentication_before_exports_asks_for_the_code_only(client, cast, settings):
    from tests.campaign.organize.conftest import login

    login(client, cast["organizer"])
    settings.EXPORT_MFA_MAX_AGE = -1
    response = client.get(f"/organize/{EU}/exports/signers.csv")
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")
    body = client.get(response["Location"]).content.decode()
    assert "/accounts/reauthenticate/" not in body  # no "use your password" loop
    assert 'name="code"' in body


def test_sign_up_is_not_advertised_while_closed(client, db, settings):
    settings.ACCOUNT_SIGNUP_OPEN = False
    for path in ("/accounts/login/", "/accounts/password/reset/"):
        assert 'href="/accounts/signup/' not in client.get(path).content.decode(), path
