"""Emails to organizers, one function per message, each in the recipient's chosen language."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from campaign.campaigns.invitation_links import make_invitation_token
from campaign.campaigns.models import Invitation
from campaign.core.links import absolute_url
from campaign.core.mailer import send_templated


def send_invitation(invitation: Invitation) -> None:
    """Send the invitation link in the inviter's language. Side effect: one email."""
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
                "role": invitation.get_role_display() or invitation.get_kind_display(),
                "accept_url": absolute_url(path),
                "max_age_days": settings.INVITATION_MAX_AGE // 86400,
            },
        )
