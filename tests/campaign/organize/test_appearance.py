"""The owner's Appearance page: the accent colour, checked for contrast, in the audit log."""

from __future__ import annotations

import pytest

from campaign.campaigns.models import Campaign, CampaignMembership, Role
from petitions.models import AuditEvent
from tests.campaign.organize.conftest import EU, login, make_user


@pytest.fixture(autouse=True)
def _totp_tolerance(settings):
    settings.MFA_TOTP_TOLERANCE = 1


def member_client(client, campaigns, role):
    user = make_user(f"{role}@example.org")
    CampaignMembership.objects.create(user=user, campaign=campaigns[EU], role=role)
    return login(client, user)


def test_owner_sets_a_colour_written_in_any_case(client, campaigns):
    owner = member_client(client, campaigns, Role.OWNER)
    assert 'href="/organize/banfacialrecognitioneu/appearance/"' in (
        owner.get(f"/organize/{EU}/setup/").content.decode()
    )
    response = owner.post(f"/organize/{EU}/appearance/", {"accent_color": "#1A5C3A"})
    assert (response.status_code, response["Location"]) == (302, f"/organize/{EU}/setup/")
    assert Campaign.objects.get(slug=EU).accent_color == "#1a5c3a"
    event = AuditEvent.objects.get(action="campaign_appearance")
    assert event.detail == f"{EU} accent #1a5c3a"


def test_a_light_colour_is_refused_with_the_reason(client, campaigns):
    owner = member_client(client, campaigns, Role.OWNER)
    response = owner.post(
        f"/organize/{EU}/appearance/", {"accent_color": "#ffdd00"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "contrast of only 1.2:1" in response.content.decode()
    assert Campaign.objects.get(slug=EU).accent_color == "#003399"  # as seeded
    assert not AuditEvent.objects.filter(action="campaign_appearance").exists()


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.VIEWER])
def test_only_owners_change_the_appearance(client, campaigns, role):
    other = member_client(client, campaigns, role)
    response = other.post(f"/organize/{EU}/appearance/", {"accent_color": "#000000"})
    assert response.status_code == 403
    assert Campaign.objects.get(slug=EU).accent_color == "#003399"  # as seeded
