"""Emails to organizers, one function per message, each in the recipient's chosen language."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from campaign.discovery import absolute_url
from campaign.models import Invitation
from petitions.emails import send_templated


def send_invitation(invitation: Invitation) -> None:
    """Send the invitation link in the inviter's language. Side effect: one email."""
    from campaign.invitations import make_invitation_token

    with translation.override(invitation.language):
        path = reverse(
            "organize:accept_invitation", kwargs={"token": make_invitation_token(invitation)}
        )
        send_templated(
            to=invitation.email,
            template="invitation",
            context={
                "invitation": invitation,
                "campaign": invitation.campaign,
                "inviter": invitation.invited_by.email if invitation.invited_by else "",
                "role": invitation.get_role_display(),
                "accept_url": absolute_url(path),
                "max_age_days": settings.INVITATION_MAX_AGE // 86400,
            },
        )
