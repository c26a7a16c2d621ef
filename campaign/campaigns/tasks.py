"""Background tasks for campaigns: thin shells around domain functions."""

from __future__ import annotations

from django_tasks import task

from campaign.campaigns import emails
from campaign.campaigns.models import Invitation
from campaign.core import mailer as mail


@task()
def send_invitation_email(invitation_id: int, attempt: int = 1) -> None:
    invitation = (
        Invitation.objects.select_related("campaign", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    mail.send_or_retry(
        send_invitation_email,
        lambda: emails.send_invitation(invitation),
        attempt=attempt,
        what=f"invitation email {invitation_id}",
        invitation_id=invitation_id,
    )


@task()
def send_prepared_email(message: dict, attempt: int = 1) -> None:
    """Send a message rendered in a request (allauth's account emails); retried with backoff."""
    mail.send_or_retry(
        send_prepared_email,
        lambda: mail.send_prepared(message),
        attempt=attempt,
        what=message["kind"],
        message=message,
    )
