"""Bounces and complaints from the ESP's webhooks: stop mailing those addresses.

anymail's tracking webhooks (under /anymail/, HTTP basic auth with ANYMAIL WEBHOOK_SECRET)
send a ``tracking`` signal; ``on_tracking_event`` (connected in apps.py) records it here.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.crypto import salted_hmac

from petitions.addresses import normalise_email
from petitions.models import EmailSuppression, Signature, SignatureStatus, SuppressionReason

logger = logging.getLogger(__name__)

SUPPRESSING_EVENTS = {
    "bounced": SuppressionReason.BOUNCED,
    "rejected": SuppressionReason.REJECTED,
    "complained": SuppressionReason.COMPLAINED,
    "unsubscribed": SuppressionReason.UNSUBSCRIBED,
}
HARD_FAILURES = {"bounced", "rejected"}


def address_hash(email: str) -> str:
    """A keyed hash of the normalised address: the suppression list keeps no readable address."""
    return salted_hmac("petitions.suppression", normalise_email(email)).hexdigest()


def is_suppressed(email: str) -> bool:
    return EmailSuppression.objects.filter(address_hash=address_hash(email)).exists()


def record_tracking_event(*, event_type: str, recipient: str) -> None:
    """Suppress the address after a bounce, rejection, complaint or unsubscription.

    A hard bounce also deletes the address's unconfirmed signatures (they can never be
    confirmed and were never counted); an unsubscription turns its update opt-ins off.
    Side effects: INSERT of EmailSuppression, DELETE/UPDATE of signatures.
    """
    reason = SUPPRESSING_EVENTS.get(event_type)
    if reason is None or not recipient:
        return
    EmailSuppression.objects.get_or_create(
        address_hash=address_hash(recipient), defaults={"reason": reason}
    )
    signatures = Signature.objects.filter(email_key=normalise_email(recipient))
    if event_type in HARD_FAILURES:
        signatures.filter(status=SignatureStatus.PENDING).delete()
    else:
        signatures.update(updates_opt_in=False)
    logger.info("Suppressed an address after a %s event", event_type)


def on_tracking_event(sender, event, esp_name, **kwargs) -> None:
    """Receiver of anymail.signals.tracking; ignores events when webhooks are unauthenticated."""
    if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        logger.warning(
            "Ignoring an unauthenticated %s webhook: set ANYMAIL_WEBHOOK_SECRET", esp_name
        )
        return
    record_tracking_event(event_type=event.event_type, recipient=event.recipient or "")
