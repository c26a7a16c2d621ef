"""Background task that posts partner webhooks, retried WEBHOOK_RETRY_DELAYS apart."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from petitions.partners import webhooks

logger = logging.getLogger(__name__)


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
