"""Signed links that carry an invitation: made for its email, read when it is accepted."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from campaign.campaigns.models import Invitation

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
        Invitation.objects.select_related("campaign", "partner", "invited_by")
        .filter(key=key, accepted_at__isnull=True)
        .first()
    )


def lapsed_invitation_for_token(token: str) -> Invitation | None:
    """The invitation a genuine but expired (or already used) token names, so the page can say
    whom to ask for a new one; None for a forged token or a withdrawn invitation."""
    try:
        key = signing.TimestampSigner(salt=_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Invitation.objects.select_related("campaign", "invited_by").filter(key=key).first()
