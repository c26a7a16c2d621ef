"""Owners invite people by email; the invitee accepts with a matching verified address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command

from campaign.campaigns.invitation_links import invitation_for_token, make_invitation_token
from campaign.campaigns.models import CampaignMembership, Invitation
from tests.campaign.organize.conftest import EU, PASSWORD, login, make_user, totp_code

LINK = re.compile(r"http://testserver/organize/invitations/[^/\s]+/")


def invite(client, owner, email: str, role: str, language: str = "en"):
    login(client, owner)
    return client.post(
        f"/organize/{EU}/members/",
        {"email": email, "role": role},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_invitation_is_mailed_through_the_queue_in_the_inviters_language(client, cast, run_tasks):
    response = invite(client, cast["owner"], "new.person@example.org", "organizer", "pt-BR")
    assert (response.status_code, response["Location"]) == (302, f"/organize/{EU}/members/")
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.language, invitation.invited_by) == (
        "new.person@example.org",
        "organizer",
        "pt-br",
        cast["owner"],
    )
    assert mail.outbox == []  # sent by the worker, not the request
    assert run_tasks() == 1
    [message] = mail.outbox
    assert message.to == ["new.person@example.org"]
    assert '<html lang="pt-br">' in message.alternatives[0][0]
    token = LINK.search(message.body).group(0).split("/")[-2]
    assert invitation_for_token(token) == invitation


def test_invitee_signs_in_accepts_and_gets_the_role(client, cast, run_tasks):
    invite(client, cast["owner"], "Invitee@Example.org", "viewer")
    run_tasks()
    link = LINK.search(mail.outbox[0].body).group(0).removeprefix("http://testserver")
    client.logout()
    invitee = make_user("invitee@example.org")

    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    # Holding a valid invitation opens the sign-up form.
    assert 'name="password2"' in client.get("/accounts/signup/").content.decode()

    login(client, invitee)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert (response.status_code, response["Location"]) == (302, f"/organize/{EU}/")
    assert CampaignMembership.objects.get(user=invitee).role == "viewer"
    assert Invitation.objects.get().accepted_by == invitee
    # Used once only.
    assert client.get(link).status_code == 404


def test_invitation_needs_a_verified_matching_address(client, cast, campaigns):
    invitation = Invitation.objects.create(
        campaign=campaigns[EU], email="someone@example.org", role="organizer", language="en"
    )
    login(client, cast["outsider"])
    link = f"/organize/invitations/{make_invitation_token(invitation)}/"
    response = client.post(link)
    assert response.status_code == 403
    assert "has no verified address someone@example.org" in response.content.decode()
    assert not CampaignMembership.objects.filter(user=cast["outsider"], campaign=campaigns[EU])


def test_expired_or_forged_invitation_is_refused(client, cast, campaigns, settings):
    invitation = Invitation.objects.create(
        campaign=campaigns[EU], email="outsider@example.org", role="organizer", language="en"
    )
    login(client, cast["outsider"])
    token = make_invitation_token(invitation)
    assert client.get(f"/organize/invitations/{token}x/").status_code == 404
    settings.INVITATION_MAX_AGE = -1
    assert client.get(f"/organize/invitations/{token}/").status_code == 404


def test_accepting_keeps_a_higher_role(client, cast, campaigns):
    invitation = Invitation.objects.create(
        campaign=campaigns[EU], email="owner@example.org", role="viewer", language="en"
    )
    login(client, cast["owner"])
    client.post(f"/organize/invitations/{make_invitation_token(invitation)}/")
    assert CampaignMembership.objects.get(user=cast["owner"], campaign=campaigns[EU]).role == (
        "owner"
    )


def test_signup_is_closed_without_an_invitation(client, campaigns):
    body = client.get("/accounts/signup/").content.decode()
    assert 'name="password2"' not in body
    assert "Sign Up Closed" in body


def test_the_last_owner_cannot_be_removed_or_demoted(client, cast):
    login(client, cast["owner"])
    owner_membership = CampaignMembership.objects.get(user=cast["owner"])
    path = f"/organize/{EU}/members/{owner_membership.pk}/"
    client.post(path, {"remove": "1"})
    client.post(path, {"role": "viewer"})
    assert CampaignMembership.objects.get(pk=owner_membership.pk).role == "owner"


def test_owner_changes_and_removes_members(client, cast):
    login(client, cast["owner"])
    viewer = CampaignMembership.objects.get(user=cast["viewer"])
    client.post(f"/organize/{EU}/members/{viewer.pk}/", {"role": "organizer"})
    assert CampaignMembership.objects.get(pk=viewer.pk).role == "organizer"
    client.post(f"/organize/{EU}/members/{viewer.pk}/", {"remove": "1"})
    assert not CampaignMembership.objects.filter(pk=viewer.pk).exists()


def test_create_owner_makes_a_verified_owner_who_must_set_up_totp(client, campaigns):
    call_command("create_owner", "First@Example.org", EU)
    membership = CampaignMembership.objects.get(campaign=campaigns[EU])
    assert (membership.user.email, membership.role) == ("first@example.org", "owner")
    assert membership.user.emailaddress_set.get().verified is True
    assert not membership.user.has_usable_password()


@pytest.mark.parametrize("role", ["organizer", "viewer"])
def test_members_page_lists_members_and_open_invitations(client, cast, role):
    invite(client, cast["owner"], f"{role}.new@example.org", role)
    body = client.get(f"/organize/{EU}/members/").content.decode()
    for email in ("owner@example.org", "organizer@example.org", "viewer@example.org"):
        assert email in body
    assert f"{role}.new@example.org" in body
    assert "outsider@example.org" not in body


def test_totp_code_helper_matches_allauth(cast):
    # Guards the fixtures: a wrong helper would make every login test meaningless.
    from allauth.mfa.totp.internal.auth import validate_totp_code

    from tests.campaign.organize.conftest import SECRET

    assert validate_totp_code(SECRET, totp_code()) is True
    assert PASSWORD


CONFIRM = re.compile(r"http://testserver(/accounts/confirm-email/[^/\s]+/)")


def test_new_invitee_signs_up_verifies_the_address_and_must_set_up_totp(
    client, campaigns, run_tasks
):
    invitation = Invitation.objects.create(
        campaign=campaigns[EU], email="fresh@example.org", role="organizer", language="en"
    )
    link = f"/organize/invitations/{make_invitation_token(invitation)}/"
    client.get(link)
    response = client.post(
        "/accounts/signup/",
        {"email": "fresh@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert (response.status_code, response["Location"]) == (302, "/accounts/confirm-email/")
    # Not signed in before the address is verified.
    assert client.get(link).status_code == 302
    assert client.get(link)["Location"].startswith("/accounts/login/")
    assert mail.outbox == []  # sent by the worker, not the request
    assert run_tasks() == 1
    [message] = mail.outbox
    confirm_path = CONFIRM.search(message.body).group(1)
    response = client.post(confirm_path)
    assert response.status_code == 302
    response = client.get(link)
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    assert not CampaignMembership.objects.filter(campaign=campaigns[EU]).exists()


def test_password_reset_mails_a_link(client, cast, run_tasks):
    response = client.post("/accounts/password/reset/", {"email": "viewer@example.org"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/reset/done/")
    assert mail.outbox == []
    assert run_tasks() == 1
    [message] = mail.outbox
    assert message.to == ["viewer@example.org"]
    assert "/accounts/password/reset/key/" in message.body
