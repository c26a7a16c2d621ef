"""Background tasks of a mailing: plan it, send each batch (retried with backoff), the test."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from campaign.core.mailer import retry_later, send_or_retry
from petitions.mailings import planning, sending


@task()
def plan_mailing(mailing_id: int) -> None:
    with transaction.atomic():
        batches = planning.plan(mailing_id=mailing_id)
        for batch in range(1, (batches or 0) + 1):
            send_mailing_batch.enqueue(mailing_id=mailing_id, batch=batch)
    if batches == 0:
        sending.finish(mailing_id=mailing_id)


@task()
def send_mailing_batch(mailing_id: int, batch: int, attempt: int = 1) -> None:
    try:
        sending.send_batch(mailing_id=mailing_id, batch=batch)
    except sending.TransientSendError:
        if not retry_later(
            send_mailing_batch,
            attempt=attempt,
            what=f"batch {batch} of mailing {mailing_id}",
            mailing_id=mailing_id,
            batch=batch,
        ):
            sending.give_up(mailing_id=mailing_id, batch=batch)
            raise


@task()
def send_mailing_test(mailing_id: int, language: str, email: str, attempt: int = 1) -> None:
    send_or_retry(
        send_mailing_test,
        lambda: sending.send_test_message(mailing_id=mailing_id, language=language, email=email),
        attempt=attempt,
        what=f"test of mailing {mailing_id}",
        mailing_id=mailing_id,
        language=language,
        email=email,
    )
