"""Background tasks: thin shells around domain functions, retried with backoff on failure."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from campaign.mail import send_or_retry
from petitions import emails, webhooks
from petitions.abuse import confirmation_email_allowed
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


@task()
def purge_expired(reschedule: bool = True) -> None:
    """Run the retention purge, then queue the next run PURGE_INTERVAL_SECONDS later.

    django-tasks has no scheduler, so the task keeps itself going; `manage.py purge_expired
    --schedule` (run by the launcher) starts the chain when no run is waiting.
    """
    from petitions.retention import purge_expired as purge

    purge()
    if reschedule:
        schedule_purge(delay=settings.PURGE_INTERVAL_SECONDS)


def schedule_purge(*, delay: int = 0) -> bool:
    """Queue a purge run unless one is already waiting; returns whether one was queued.

    Only with the PostgreSQL task backend, whose queue can be asked what is waiting; with any
    other backend nothing is queued and a timer runs `manage.py purge_expired` instead.
    """
    from django.db import transaction
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(purge_expired.get_backend(), DatabaseBackend):
        return False
    with transaction.atomic():
        waiting = DBTaskResult.objects.select_for_update().filter(
            task_path=purge_expired.module_path, status=TaskResultStatus.READY
        )
        if waiting.exists():
            return False
        run_after = timezone.now() + datetime.timedelta(seconds=delay)
        purge_expired.using(run_after=run_after).enqueue()
    return True
