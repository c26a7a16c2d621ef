"""An owner invites a partner organisation by email; its person signs up with the address
filled in, sets up TOTP, lands in the partner area and manages the widget's domains."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError

from campaign.campaigns.models import Invitation, Partner, PartnerMembership
from petitions.models import AuditEvent, Widget
from petitions.partners.onboarding import clean_host
from tests.campaign.organize.conftest import EU, PASSWORD, login, make_user, totp_code

LINK = re.compile(r"http://testserver(/organize/invitations/[^/\s]+/)")


def invite_partner(client, owner, email="team@ngo.example.org", name="Civil Liberties NGO"):
    login(client, owner)
    return client.post(
        f"/organize/{EU}/partners/",
        {"name": name, "website": "https://ngo.example.org", "email": email},
    )


def test_owner_invites_a_partner_who_signs_up_and_lands_in_the_partner_area(
    client, cast, run_tasks
):
    response = invite_partner(client, cast["owner"])
    assert (response.status_code, response["Location"]) == (302, f"/organize/{EU}/partners/")
    partner = Partner.objects.get(name="Civil Liberties NGO")
    widget = Widget.objects.get(partner=partner)
    invitation = Invitation.objects.get(kind="partner")
    assert (invitation.partner, invitation.role, invitation.email) == (
        partner,
        "",
        "team@ngo.example.org",
    )
    assert AuditEvent.objects.filter(action="partner.invite").count() == 1
    page = client.get(f"/organize/{EU}/partners/").content.decode()
    assert "Civil Liberties NGO" in page and "team@ngo.example.org" in page
    # Partner invitations are not listed as member invitations.
    assert "team@ngo.example.org" not in client.get(f"/organize/{EU}/members/").content.decode()

    run_tasks()
    [message] = mail.outbox
    link = LINK.search(message.body).group(1)
    client.logout()
    signup = client.get(link, follow=True)
    body = signup.content.decode()
    assert "Civil Liberties NGO" in body
    token = re.search(r'name="invitation" value="([^"]+)"', body).group(1)
    response = client.post(
        "/accounts/signup/",
        {
            "email": "team@ngo.example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "invitation": token,
        },
    )
    assert response["Location"] == f"/partner/{partner.pk}/"
    assert PartnerMembership.objects.filter(partner=partner).count() == 1
    response = client.get(response["Location"])
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    secret = client.get(response["Location"]).context["form"].secret
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(
        "/accounts/2fa/totp/activate/", {"code": code, "next": f"/partner/{partner.pk}/"}
    )
    assert (
        response["Location"] == f"/accounts/2fa/recovery-codes/?next=%2Fpartner%2F{partner.pk}%2F"
    )
    page = client.get(f"/partner/{partner.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'class="codebox"' in body and widget.key in body
    assert "/accounts/logout/" in body  # sign-out button
    assert 'class="embed-preview"' in body

    domains = f"/partner/{partner.pk}/widgets/{widget.key}/domains/"
    assert (
        client.post(domains, {"domain": "https://www.NGO.example.org/petition"}).status_code == 302
    )
    bad = client.post(domains, {"domain": "not a host"})
    assert bad.status_code == 400
    assert "Enter a host name such as example.org." in bad.content.decode()
    widget.refresh_from_db()
    assert widget.allowed_domains == ["www.ngo.example.org"]
    client.post(domains, {"remove": "www.ngo.example.org"})
    widget.refresh_from_db()
    assert widget.allowed_domains == []
    assert list(
        AuditEvent.objects.filter(action__startswith="partner.domain")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["partner.domain_add", "partner.domain_remove"]


def test_a_partner_signs_in_and_lands_in_the_partner_area(client, cast, campaigns):
    partner = campaigns[EU].partners.first()
    person = make_user("person@partner.example.org")
    PartnerMembership.objects.create(user=person, partner=partner)
    cache.clear()
    response = client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response["Location"] == "/organize/"
    response = client.get(response["Location"])
    assert response["Location"] == f"/partner/{partner.pk}/"
    assert client.get(response["Location"]).status_code == 200


def test_my_campaigns_links_a_member_who_is_also_a_partner_to_the_partner_area(client, cast):
    from tests.campaign.organize.conftest import login

    PartnerMembership.objects.create(
        user=cast["viewer"], partner=cast["viewer"].memberships.get().campaign.partners.first()
    )
    login(client, cast["viewer"])
    body = client.get("/organize/").content.decode()
    assert 'href="/partner/"' in body


def test_only_members_of_the_partner_manage_its_domains(client, cast, campaigns):
    partner = campaigns[EU].partners.first()
    widget = Widget.objects.filter(partner=partner).first() or Widget.objects.create(
        partner=partner, petition=campaigns[EU].petition, language="en"
    )
    login(client, cast["owner"])
    response = client.post(
        f"/partner/{partner.pk}/widgets/{widget.key}/domains/", {"domain": "evil.example"}
    )
    assert response.status_code == 404
    widget.refresh_from_db()
    assert "evil.example" not in widget.allowed_domains


def test_only_owners_invite_partners(client, cast):
    login(client, cast["organizer"])
    response = client.post(f"/organize/{EU}/partners/", {"name": "X", "email": "x@example.org"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_a_partner_name_is_not_taken_twice(client, cast, campaigns):
    name = campaigns[EU].partners.first().name
    response = invite_partner(client, cast["owner"], name=name.upper())
    assert response.status_code == 400
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("Example.ORG", "example.org"),
        ("https://www.example.org:8443/path?q=1", "www.example.org"),
        ("*.example.org", "*.example.org"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
    ],
)
def test_host_names_are_normalised(value, host):
    assert clean_host(value) == host


@pytest.mark.parametrize("value", ["", "not a host", "exa_mple.org", "-x.org", "*.1.2.3.4", "org"])
def test_bad_host_names_are_refused(value):
    with pytest.raises(ValidationError):
        clean_host(value)
