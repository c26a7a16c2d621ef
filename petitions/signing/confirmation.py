"""Confirming signatures (double opt-in) and sending the confirmation link again."""

from __future__ import annotations

import uuid

from django.db import connection, transaction
from django.utils import timezone

from petitions.abuse.rules import resend_allowed
from petitions.addresses import normalise_email
from petitions.mail.tasks import send_confirmation_email
from petitions.models import Petition, Signature, SignatureStatus
from petitions.partners.notify import enqueue_partner_webhook

# Confirms a pending signature (of the given campaign, if any) in one statement; no row comes
# back when it is already confirmed, gone, or another campaign's. A conditional UPDATE, so
# concurrent or repeated confirmations count once; {only} narrows it further.
_CONFIRM_PENDING = """
UPDATE petitions_signature AS s SET status = 'confirmed', confirmed_at = %(now)s
FROM petitions_petition AS p
WHERE s.public_id = %(public_id)s AND s.status = 'pending' AND p.id = s.petition_id
    AND (%(campaign_id)s::bigint IS NULL OR p.campaign_id = %(campaign_id)s) {only}
RETURNING s.widget_id
"""
CONFIRM_WITHOUT_WEBHOOK = _CONFIRM_PENDING.format(only="AND NOT s.partner_opt_in")
CONFIRM_ANY = _CONFIRM_PENDING.format(only="")


def confirm_pending(
    *, public_id: uuid.UUID, campaign_id: int | None = None
) -> tuple[bool, Signature | None]:
    """Confirm the pending signature with this public id (in this campaign, when given).

    Returns (confirmed, signature): ``confirmed`` is False when there was no such pending
    signature (callers then look at what the link names); ``signature`` is loaded only for a
    widget or partner signer, whose thanks page names the partner. Most confirmations are one
    UPDATE in one round trip; a signer who opted in to a partner's updates is confirmed in a
    transaction that also queues the partner's webhook. The counts pick the signature up on
    their next flush (counting.py).
    """
    params = {"now": timezone.now(), "public_id": public_id, "campaign_id": campaign_id}
    with connection.cursor() as cursor:
        cursor.execute(CONFIRM_WITHOUT_WEBHOOK, params)
        row = cursor.fetchone()
    signature = None
    if row is None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(CONFIRM_ANY, params)
            row = cursor.fetchone()
            if row is None:
                return False, None
            signature = find_signature(public_id=public_id)
            enqueue_partner_webhook(signature=signature)
    if row[0] is not None and signature is None:
        signature = find_signature(public_id=public_id)
    return True, signature


def find_signature(*, public_id: uuid.UUID) -> Signature | None:
    """The signature a link names, in whatever state it is; None when it is gone."""
    return (
        Signature.objects.select_related("petition__campaign", "partner", "widget")
        .filter(public_id=public_id)
        .first()
    )


def resend_confirmation(*, petition: Petition, email: str, ip_hash: str) -> bool:
    """Queue the confirmation email again for a pending signature with this address.

    Returns whether an email was queued; callers answer the same either way. Bounded per
    client (``ip_hash``, abuse.resend_allowed) here and per signature when the email is sent
    (abuse.confirmation_email_allowed). Side effects: a counter increment, one queued task.
    """
    if not resend_allowed(ip_hash=ip_hash):
        return False
    with transaction.atomic():
        signature = Signature.objects.filter(
            petition=petition, email_key=normalise_email(email), status=SignatureStatus.PENDING
        ).first()
        if signature is None:
            return False
        send_confirmation_email.enqueue(signature_id=signature.pk)
        return True
