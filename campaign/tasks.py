"""Background tasks for campaigns: thin shells around domain functions."""

from __future__ import annotations

from django_tasks import task

from campaign import emails
from campaign.models import Invitation


@task()
def send_invitation_email(invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("campaign", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is not None:
        emails.send_invitation(invitation)
