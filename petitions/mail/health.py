"""Bounces and complaints from the ESP's tracking webhook: stop mailing dead or unwilling boxes.

anymail's tracking webhook for settings.EMAIL_ESP (mounted by ``tracking_webhooks``, HTTP basic
auth with ANYMAIL WEBHOOK_SECRET) sends a ``tracking`` signal; ``on_tracking_event`` (connected
in apps.py) hands each event to ``record_tracking_event``.

- Hard bounces, rejections, complaints and unsubscriptions suppress the address.
- Soft bounces and deferrals never suppress: the confirmation email of the address's pending
  signatures is sent again, EMAIL_RETRY_DELAYS apart, at most len(EMAIL_RETRY_DELAYS) times per
  SOFT_BOUNCE_WINDOW. ``is_soft_failure`` tells them apart, per ESP.
- A resubscription (``subscribed``) lifts a suppression, and so does a confirmation by the
  address after the suppression (it proves the box works).

Addresses are kept only as keyed hashes; the key is EmailHashKey's, not SECRET_KEY.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from anymail.signals import AnymailTrackingEvent, EventType
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from petitions.addresses import normalise_email
from petitions.mail.suppression import SOFT_BOUNCE_WINDOW, address_hash, lift_suppression, suppress
from petitions.mail.tasks import send_confirmation_email
from petitions.models import (
    Signature,
    SignatureStatus,
    SoftBounce,
    SuppressionReason,
)

logger = logging.getLogger(__name__)


SUPPRESSING_EVENTS = {
    EventType.BOUNCED: SuppressionReason.BOUNCED,
    EventType.REJECTED: SuppressionReason.REJECTED,
    EventType.COMPLAINED: SuppressionReason.COMPLAINED,
    EventType.UNSUBSCRIBED: SuppressionReason.UNSUBSCRIBED,
}
HARD_FAILURES = {EventType.BOUNCED, EventType.REJECTED}
# The event types this module acts on: each needs a recipient.
HANDLED_EVENTS = {*SUPPRESSING_EVENTS, EventType.DEFERRED, EventType.SUBSCRIBED}

# SparkPost bounce classes that say nothing against the address: soft bounce, DNS failure,
# mailbox full, too large, timeout, generic bounce, auto-reply, transient, challenge-response.
SPARKPOST_SOFT_CLASSES = {"20", "21", "22", "23", "24", "40", "60", "70", "100"}


def _first_value(data: dict) -> dict:
    return next(iter(data.values()), {}) if isinstance(data, dict) else {}


# anymail reports these ESPs' soft bounces as ``bounced``: how each one's own payload
# (event.esp_event) marks them. Mailgun (severity "temporary"), Postal, Mailtrap and Unisender
# Go soft bounces already arrive as ``deferred`` from anymail, as do Postmark's Transient and
# DnsError, Brevo's and SendGrid's deferred and Mailjet's greylisting.
SOFT_BOUNCE_RULES: dict[str, Callable[[dict], bool]] = {
    # Postmark: bounce Type; a virus notice says nothing against the box either.
    "Postmark": lambda e: (
        e.get("Type") in {"SoftBounce", "Transient", "DnsError", "VirusNotification"}
    ),
    # Brevo (and its old name): its own event name.
    "Brevo": lambda e: e.get("event") == "soft_bounce",
    "SendinBlue": lambda e: e.get("event") == "soft_bounce",
    # Amazon SES: bounceType Transient (Permanent and Undetermined suppress, as SES does).
    "Amazon SES": lambda e: (e.get("bounce") or {}).get("bounceType") == "Transient",
    # Mailjet: every bounce says whether it is hard.
    "Mailjet": lambda e: e.get("hard_bounce") is False,
    # Mailgun: anymail turns severity "temporary" into deferred; this catches any left.
    "Mailgun": lambda e: (e.get("event-data") or {}).get("severity") == "temporary",
    "Mandrill": lambda e: e.get("event") == "soft_bounce",
    "MailerSend": lambda e: (e.get("data") or {}).get("type") == "soft_bounced",
    # SendGrid: a "blocked" bounce is about the message or sender, not the address.
    "SendGrid": lambda e: e.get("type") == "blocked",
    "SparkPost": lambda e: (
        str(_first_value(e.get("msys")).get("bounce_class")) in SPARKPOST_SOFT_CLASSES
    ),
    "Resend": lambda e: ((e.get("data") or {}).get("bounce") or {}).get("type") == "Transient",
}


def is_soft_failure(event: AnymailTrackingEvent, *, esp_name: str) -> bool:
    """Whether the event is a temporary delivery failure: a deferral or a soft bounce."""
    if event.event_type == EventType.DEFERRED:
        return True
    if event.event_type != EventType.BOUNCED or not isinstance(event.esp_event, dict):
        return False
    rule = SOFT_BOUNCE_RULES.get(esp_name)
    return bool(rule and rule(event.esp_event))


def record_soft_failure(email: str) -> int:
    """Count a soft bounce or deferral and queue the confirmation email again, with backoff.

    The n-th soft failure within SOFT_BOUNCE_WINDOW resends the address's pending confirmations
    after EMAIL_RETRY_DELAYS[n-1] seconds; past the last delay nothing more is sent (the
    signature stays pending until purged or resent by the signer). Returns how many emails
    were queued. Side effects: UPSERT of SoftBounce, task enqueues.
    """
    now = timezone.now()
    delays = settings.EMAIL_RETRY_DELAYS
    with transaction.atomic():
        bounce, _ = SoftBounce.objects.select_for_update().get_or_create(
            address_hash=address_hash(email), defaults={"last_bounced_at": now}
        )
        if bounce.last_bounced_at < now - SOFT_BOUNCE_WINDOW:
            bounce.count = 0  # a new run of soft failures
        bounce.count += 1
        bounce.last_bounced_at = now
        bounce.save(update_fields=["count", "last_bounced_at"])
        if bounce.count > len(delays):
            logger.warning("Giving up resending to a soft-bouncing address after %s", bounce.count)
            return 0
        run_after = now + datetime.timedelta(seconds=delays[bounce.count - 1])
        pending = list(
            Signature.objects.filter(
                email_key=normalise_email(email), status=SignatureStatus.PENDING
            ).values_list("pk", flat=True)
        )
        for signature_id in pending:
            send_confirmation_email.using(run_after=run_after).enqueue(signature_id=signature_id)
        return len(pending)


def record_tracking_event(*, event_type: str, recipient: str, soft: bool = False) -> None:
    """Act on one tracking event of the address.

    Soft failures resend (``record_soft_failure``); a resubscription lifts a suppression; a
    bounce, rejection, complaint or unsubscription suppresses. A hard bounce or rejection also
    deletes the address's unconfirmed signatures (they can never be confirmed and were never
    counted); any other suppression turns its update opt-ins off.
    Side effects: writes of EmailSuppression, SoftBounce and signatures; task enqueues.
    """
    if not recipient:
        return
    if soft:
        record_soft_failure(recipient)
        return
    if event_type == EventType.SUBSCRIBED:
        lift_suppression(recipient, why="a resubscription")
        return
    reason = SUPPRESSING_EVENTS.get(event_type)
    if reason is None:
        return
    suppress(recipient, reason=reason)
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
    record_tracking_event(
        event_type=event.event_type,
        recipient=event.recipient or "",
        soft=is_soft_failure(event, esp_name=esp_name),
    )
