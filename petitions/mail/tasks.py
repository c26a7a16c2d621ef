"""Background tasks that send signers' emails, retried with backoff on failure."""

from __future__ import annotations

import logging

from django_tasks import task

from campaign.core.mailer import send_or_retry
from petitions.abuse.rules import confirmation_email_allowed
from petitions.mail import messages as emails
from petitions.models import Signature

logger = logging.getLogger(__name__)


@task()
def send_confirmation_email(signature_id: int, attempt: int = 1) -> None:
    signature = (
        Signature.objects.select_related("petition__campaign", "partner")
        .filter(pk=signature_id)
        .first()
    )
    if signature is None or signature.status != "pending":
        return  # withdrawn, purged or already confirmed meanwhile
    if attempt == 1 and not confirmation_email_allowed(signature_id=signature_id):
        logger.info("Not sending confirmation email for %s: re-send bound reached", signature_id)
        return
    send_or_retry(
        send_confirmation_email,
        lambda: emails.send_confirmation(signature),
        attempt=attempt,
        what=f"confirmation email for signature {signature_id}",
        signature_id=signature_id,
    )


@task()
def send_data_copy_email(signature_id: int, attempt: int = 1) -> None:
    signature = (
        Signature.objects.select_related("petition__campaign", "partner")
        .filter(pk=signature_id)
        .first()
    )
    if signature is None or signature.anonymised_at is not None:
        return  # withdrawn or anonymised meanwhile: nothing to send
    send_or_retry(
        send_data_copy_email,
        lambda: emails.send_data_copy(signature),
        attempt=attempt,
        what=f"data copy email for signature {signature_id}",
        signature_id=signature_id,
    )


@task()
def send_rights_links_email(signature_id: int, attempt: int = 1) -> None:
    signature = (
        Signature.objects.select_related("petition__campaign").filter(pk=signature_id).first()
    )
    if signature is None or signature.anonymised_at is not None:
        return
    send_or_retry(
        send_rights_links_email,
        lambda: emails.send_rights_links(signature),
        attempt=attempt,
        what=f"rights links email for signature {signature_id}",
        signature_id=signature_id,
    )
