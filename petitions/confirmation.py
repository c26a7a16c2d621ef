"""Confirming signatures (double opt-in) and sending the confirmation link again."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from petitions.addresses import normalise_email
from petitions.models import Petition, Signature, SignatureStatus


def confirm_signature(*, public_id: uuid.UUID) -> Signature | None:
    """Confirm a pending signature; None when there is no such signature.

    A conditional UPDATE, so concurrent or repeated confirmations count once. The counts
    pick the signature up on their next flush (counting.py). Side effects: one UPDATE and, for
    a supporter who opted in to a partner with a webhook, a queued delivery, in one transaction.
    """
    from petitions.webhooks import enqueue_partner_webhook

    with transaction.atomic():
        confirmed = Signature.objects.filter(
            public_id=public_id, status=SignatureStatus.PENDING
        ).update(status=SignatureStatus.CONFIRMED, confirmed_at=timezone.now())
        signature = find_signature(public_id=public_id)
        if confirmed and signature is not None:
            enqueue_partner_webhook(signature=signature)
    return signature


def find_signature(*, public_id: uuid.UUID) -> Signature | None:
    """The signature a link names, in whatever state it is; None when it is gone."""
    return (
        Signature.objects.select_related("petition__campaign", "partner", "widget")
        .filter(public_id=public_id)
        .first()
    )


def resend_confirmation(*, petition: Petition, email: str) -> bool:
    """Queue the confirmation email again for a pending signature with this address.

    Returns whether an email was queued; callers answer the same either way.
    """
    from petitions.tasks import send_confirmation_email

    with transaction.atomic():
        signature = Signature.objects.filter(
            petition=petition, email_key=normalise_email(email), status=SignatureStatus.PENDING
        ).first()
        if signature is None:
            return False
        send_confirmation_email.enqueue(signature_id=signature.pk)
        return True
