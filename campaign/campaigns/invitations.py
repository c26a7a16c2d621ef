"""Inviting people to a campaign by email, and accepting an invitation."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from campaign.campaigns.access import RANK
from campaign.campaigns.models import (
    Campaign,
    CampaignMembership,
    Invitation,
    InvitationKind,
    Partner,
    PartnerMembership,
    Role,
)
from campaign.campaigns.tasks import send_invitation_email


def invite(*, campaign: Campaign, email: str, role: str, invited_by, language: str) -> Invitation:
    """Create an invitation and enqueue its email in one transaction.

    Side effects: INSERT of the invitation, one queued task (send_invitation_email).
    """
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


def invite_to_partner(*, partner: Partner, email: str, invited_by, language: str) -> Invitation:
    """Invite someone to act for a partner organisation of the campaign (the partner area).

    Side effects: INSERT of the invitation, one queued task (send_invitation_email).
    """
    with transaction.atomic():
        invitation = Invitation.objects.create(
            campaign=partner.campaign,
            kind=InvitationKind.PARTNER,
            partner=partner,
            email=email.strip(),
            role="",
            invited_by=invited_by,
            language=language,
        )
        send_invitation_email.enqueue(invitation_id=invitation.pk)
    return invitation


@dataclass(frozen=True)
class Acceptance:
    membership: CampaignMembership | PartnerMembership | None
    problem: str = ""  # "email" when the account has no verified address matching the invitation


def accept_invitation(*, invitation: Invitation, user) -> Acceptance:
    """Make the user a member with the invited role (or a member of the invited partner), if a
    verified address of theirs matches.

    An existing higher role is kept. Side effects: UPSERT of the membership, UPDATE of the
    invitation.
    """
    if not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists():
        return Acceptance(None, "email")

    if invitation.kind == InvitationKind.PARTNER:
        with transaction.atomic():
            membership, _ = PartnerMembership.objects.get_or_create(
                user=user, partner_id=invitation.partner_id
            )
            Invitation.objects.filter(pk=invitation.pk).update(
                accepted_at=timezone.now(), accepted_by=user
            )
        return Acceptance(membership)

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
