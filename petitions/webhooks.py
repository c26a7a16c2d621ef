"""Partner webhooks: each confirmed supporter who opted in to a partner, POSTed as OSDI-shaped
JSON and signed with HMAC-SHA256.

The receiver verifies ``X-Signature: sha256=<hex>``, the HMAC of
``<X-Webhook-Timestamp>.<raw body>`` under the partner's webhook secret, and may refuse old
timestamps; ``X-Webhook-Id`` (the event id) lets it ignore a delivery it has seen.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from campaign.content import campaign_translation
from petitions.emails import absolute
from petitions.models import Signature, WebhookDelivery, WebhookStatus

TIMEOUT_SECONDS = 5


def enqueue_partner_webhook(*, signature: Signature) -> WebhookDelivery | None:
    """Queue the webhook for a signature that has just come to count, when its partner wants one.

    Call inside the transaction that confirmed or released it. Side effects: one WebhookDelivery
    row and one queued task, or nothing when the signature does not count (a held one waits for
    its release, ``review.release_signatures``), the signer did not opt in or the partner has no
    webhook.
    """
    from petitions.tasks import deliver_webhook

    partner = signature.partner
    if not signature.is_counted:
        return None
    if not signature.partner_opt_in or partner is None or not partner.webhook_url:
        return None
    delivery, created = WebhookDelivery.objects.get_or_create(
        partner=partner, signature=signature, defaults={"url": partner.webhook_url}
    )
    if created:
        deliver_webhook.enqueue(delivery_id=delivery.pk)
    return delivery


def webhook_payload(delivery: WebhookDelivery) -> dict:
    """The event as OSDI describes a person and a signature (record_signature_helper)."""
    signature = delivery.signature
    campaign = signature.petition.campaign
    content = campaign_translation(campaign, signature.locale)
    given, _, family = signature.name.rpartition(" ")
    address = {"country": str(signature.country)}
    if signature.region:
        address["region"] = signature.region
    if signature.postal_code:
        address["postal_code"] = signature.postal_code
    with translation.override(signature.locale):
        petition_path = reverse("campaign:detail", kwargs={"slug": campaign.slug})
    return {
        "id": str(delivery.event_id),
        "type": "signature.confirmed",
        "petition": {
            "identifiers": [f"campaign:{campaign.slug}"],
            "title": content.title,
            "browser_url": absolute(petition_path),
        },
        "person": {
            "given_name": given or family,
            "family_name": family if given else "",
            "email_addresses": [{"address": signature.email, "primary": True}],
            "postal_addresses": [address],
            "languages_spoken": [signature.locale],
            "custom_fields": {"full_name": signature.name},
        },
        "signature": {
            "identifiers": [f"campaign:{signature.public_id}"],
            "created_date": signature.created_at.isoformat(),
            "modified_date": signature.confirmed_at.isoformat(),
            "referrer_data": {
                "source": signature.source,
                "referrer": signature.ref,
                "website": signature.embed_origin,
            },
        },
        "partner_consent": True,
    }


def sign_body(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def deliver(*, delivery_id: int) -> bool | None:
    """POST one delivery; True when the receiver took it (2xx), False on failure, None when
    there is nothing left to do (already delivered, or the row is gone).

    Side effects: one HTTP request; the delivery row's attempt counters and status.
    """
    delivery = (
        WebhookDelivery.objects.select_related("partner", "signature__petition__campaign")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status == WebhookStatus.DELIVERED:
        return None
    body = json.dumps(webhook_payload(delivery), ensure_ascii=False).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        delivery.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "campaign-webhooks/1",
            "X-Webhook-Id": str(delivery.event_id),
            "X-Webhook-Timestamp": str(timestamp),
            "X-Signature": sign_body(
                secret=delivery.partner.webhook_secret, timestamp=timestamp, body=body
            ),
        },
    )
    status_code, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            status_code = response.status
    except urllib.error.HTTPError as exc:
        status_code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = str(getattr(exc, "reason", exc))[:300]
    ok = status_code is not None and 200 <= status_code < 300
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).exclude(status=WebhookStatus.DELIVERED).update(
        attempts=F("attempts") + 1,
        last_attempt_at=now,
        last_status_code=status_code,
        last_error=error,
        **({"status": WebhookStatus.DELIVERED, "delivered_at": now} if ok else {}),
    )
    return ok


def give_up(*, delivery_id: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookStatus.PENDING).update(
        status=WebhookStatus.FAILED
    )
