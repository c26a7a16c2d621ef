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
    try:
        emails.send_invitation(invitation)
    except Exception:
        what = f"invitation email {invitation_id}"
        if not mail.retry_later(
            send_invitation_email, attempt=attempt, what=what, invitation_id=invitation_id
        ):
            raise


@task()
def send_prepared_email(message: dict, attempt: int = 1) -> None:
    """Send a message rendered in a request (allauth's account emails); retried with backoff."""
    try:
        mail.send_prepared(message)
    except Exception:
        if not mail.retry_later(
            send_prepared_email, attempt=attempt, what=message["kind"], message=message
        ):
            raise
