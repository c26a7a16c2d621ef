"""Background tasks: thin shells around domain functions, retried with backoff on failure."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from petitions import emails, webhooks
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
    try:
        emails.send_confirmation(signature)
    except Exception:
        delays = settings.EMAIL_RETRY_DELAYS
        if attempt > len(delays):
            logger.exception("Giving up on confirmation email for signature %s", signature_id)
            raise
        logger.warning(
            "Confirmation email for %s failed (attempt %s); retrying", signature_id, attempt
        )
        run_after = timezone.now() + datetime.timedelta(seconds=delays[attempt - 1])
        send_confirmation_email.using(run_after=run_after).enqueue(
            signature_id=signature_id, attempt=attempt + 1
        )


@task()
def deliver_webhook(delivery_id: int, attempt: int = 1) -> None:
    """POST a partner webhook; on failure try again later, WEBHOOK_RETRY_DELAYS apart."""
    if webhooks.deliver(delivery_id=delivery_id) is not False:
        return
    delays = settings.WEBHOOK_RETRY_DELAYS
    if attempt > len(delays):
        logger.warning("Giving up on webhook delivery %s after %s attempts", delivery_id, attempt)
        webhooks.give_up(delivery_id=delivery_id)
        return
    run_after = timezone.now() + datetime.timedelta(seconds=delays[attempt - 1])
    deliver_webhook.using(run_after=run_after).enqueue(delivery_id=delivery_id, attempt=attempt + 1)


@task()
def build_delivery_package(package_id: int) -> None:
    from petitions.delivery import build_package

    build_package(package_id=package_id)


@task()
def delete_expired_delivery_packages() -> int:
    from petitions.delivery import delete_expired_packages

    return delete_expired_packages()
