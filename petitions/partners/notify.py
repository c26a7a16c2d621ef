"""Queueing a partner's webhook when a signature comes to count (delivery: partners/webhooks.py)."""

from __future__ import annotations

from petitions.models import Signature, WebhookDelivery
from petitions.partners.tasks import deliver_webhook


def enqueue_partner_webhook(*, signature: Signature) -> WebhookDelivery | None:
    """Queue the webhook for a signature that has just come to count, when its partner wants one.

    Call inside the transaction that confirmed or released it. Side effects: one WebhookDelivery
    row and one queued task, or nothing when the signature does not count (a held one waits for
    its release, ``review.release_signatures``), the signer did not opt in or the partner has no
    webhook.
    """
    if not signature.is_counted:
        return None
    partner = signature.partner
    if not signature.partner_opt_in or partner is None or not partner.webhook_url:
        return None
    delivery, created = WebhookDelivery.objects.get_or_create(
        partner=partner, signature=signature, defaults={"url": partner.webhook_url}
    )
    if created:
        deliver_webhook.enqueue(delivery_id=delivery.pk)
    return delivery
