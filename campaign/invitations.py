"""Inviting people to a campaign by email, and accepting an invitation."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from campaign.models import Campaign, CampaignMembership, Invitation, Role

_SALT = "campaign.invitation"


def make_invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(invitation.key)


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation a token names, or None if it is forged, expired or already used."""
    try:
        key = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=settings.INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.select_related("campaign")
        .filter(key=key, accepted_at__isnull=True)
        .first()
    )


def invite(*, campaign: Campaign, email: str, role: str, invited_by, language: str) -> Invitation:
    """Create an invitation and enqueue its email in one transaction.

    Side effects: INSERT of the invitation, one queued task (send_invitation_email).
    """
    from campaign.tasks import send_invitation_email

    with transaction.atomic():
        invitation = Invitation.objects.create(
            campaign=campaign,
            email=email.strip(),
            role=Role(role),
            invited_by=invited_by,
            language=language,
        )
        send_invitation_email.enqueue(invitation_id=invitation.pk)
    return invitation


@dataclass(frozen=True)
class Acceptance:
    membership: CampaignMembership | None
    problem: str = ""  # "email" when the account has no verified address matching the invitation


def accept_invitation(*, invitation: Invitation, user) -> Acceptance:
    """Make the user a member with the invited role, if a verified address of theirs matches.

    An existing higher role is kept. Side effects: UPSERT of the membership, UPDATE of the
    invitation.
    """
    if not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists():
        return Acceptance(None, "email")
    from campaign.access import RANK

    with transaction.atomic():
        membership, created = CampaignMembership.objects.select_for_update().get_or_create(
            user=user, campaign=invitation.campaign, defaults={"role": invitation.role}
        )
        if not created and RANK[Role(invitation.role)] > RANK[Role(membership.role)]:
            membership.role = invitation.role
            membership.save(update_fields=["role"])
        Invitation.objects.filter(pk=invitation.pk).update(
            accepted_at=timezone.now(), accepted_by=user
        )
    return Acceptance(membership)
