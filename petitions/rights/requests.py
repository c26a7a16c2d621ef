"""Supporters' rights, self-service: withdraw a signature, receive a copy of one's data."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction
from django_tasks.base import TaskResultStatus as ResultStatus
from django_tasks_db.models import DBTaskResult

from petitions.abuse.throttle import over_limit
from petitions.addresses import normalise_email
from petitions.mail.tasks import send_data_copy_email, send_rights_links_email
from petitions.models import Petition, Signature
from petitions.reporting.counting import lock_counts, uncount


def withdraw_signature(*, public_id: uuid.UUID) -> bool:
    """Erase a signature: its row, its consents, its finished or waiting tasks; fix the counts.

    Runs under the petition's counting lock, so a concurrent flush cannot count the row
    while it goes. Returns False when there was no such signature. Side effects: DELETEs, and
    one UPDATE of SignatureCount when the signature was counted.
    """
    petition_id = (
        Signature.objects.filter(public_id=public_id).values_list("petition_id", flat=True).first()
    )
    if petition_id is None:
        return False
    with transaction.atomic():
        lock_counts(petition_id=petition_id)
        signature = Signature.objects.select_for_update().filter(public_id=public_id).first()
        if signature is None:
            return False
        if signature.counted:
            uncount(petition_id=petition_id, country=signature.country, region=signature.region)
        DBTaskResult.objects.filter(
            args_kwargs__kwargs__signature_id=signature.pk,
            status__in=[ResultStatus.READY, ResultStatus.SUCCESSFUL, ResultStatus.FAILED],
        ).delete()
        signature.delete()  # its consents go with it (CASCADE)
    return True


def request_data_copy(*, public_id: uuid.UUID) -> bool:
    """Queue an email with a copy of the signer's data; at most DATA_COPY_RATE per signature.

    Returns whether an email was queued. Side effects: a counter increment, one queued task.
    """
    signature_id = (
        Signature.objects.filter(public_id=public_id).values_list("id", flat=True).first()
    )
    if signature_id is None or over_limit(f"data-copy:{public_id}", settings.DATA_COPY_RATE):
        return False
    send_data_copy_email.enqueue(signature_id=signature_id)
    return True


def request_rights_links(*, petition: Petition, email: str) -> bool:
    """Queue an email with fresh withdraw and data-copy links, if this address signed.

    At most DATA_COPY_RATE per address. Returns whether an email was queued; callers answer
    the same either way. Side effects: a counter increment, one queued task.
    """
    email_key = normalise_email(email)
    signature_id = (
        Signature.objects.filter(petition=petition, email_key=email_key)
        .values_list("id", flat=True)
        .first()
    )
    if signature_id is None or over_limit(f"rights-links:{email_key}", settings.DATA_COPY_RATE):
        return False
    send_rights_links_email.enqueue(signature_id=signature_id)
    return True
