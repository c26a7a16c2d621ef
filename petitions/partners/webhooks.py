"""Partner webhooks: each confirmed supporter who opted in to a partner, POSTed as OSDI-shaped
JSON and signed with HMAC-SHA256.

The receiver verifies ``X-Signature: sha256=<hex>``, the HMAC of
``<X-Webhook-Timestamp>.<raw body>`` under the partner's webhook secret, and may refuse old
timestamps; ``X-Webhook-Id`` (the event id) lets it ignore a delivery it has seen.

Delivery never reaches inside our own network (SSRF): the receiver's host name is resolved
once, every address it gives must be public (no private, loopback, link-local, shared or
reserved address) unless WEBHOOK_ALLOWED_NETWORKS names it, and the connection goes to the
address that was checked, so a DNS answer that changes in between cannot slip through.
Redirects are never followed: a 3xx is a failed attempt like any other non-2xx answer.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from campaign.campaigns.content import campaign_translation
from campaign.core.links import absolute_url
from petitions.models import WebhookDelivery, WebhookStatus

TIMEOUT_SECONDS = 5
# NAT64 prefix: an address in it reaches the IPv4 address in its last 32 bits.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


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
            "browser_url": absolute_url(petition_path),
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


class RefusedAddress(OSError):
    """The receiver's host resolves to an address we do not send webhooks to."""


@functools.cache
def _allowed_networks(cidrs: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def is_public_address(ip: str) -> bool:
    """True for a globally routable unicast address, or one inside WEBHOOK_ALLOWED_NETWORKS."""
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    elif address in NAT64:
        address = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if any(
        address in network
        for network in _allowed_networks(tuple(settings.WEBHOOK_ALLOWED_NETWORKS))
    ):
        return True
    return address.is_global and not address.is_multicast


def connect_public(address: tuple[str, int], timeout=None, source_address=None) -> socket.socket:
    """``socket.create_connection`` that connects only when every resolved address is public.

    The socket connects to the very address that was checked, never to a second lookup.
    """
    host, port = address
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not infos or not all(is_public_address(info[4][0]) for info in infos):
        raise RefusedAddress(f"{host} is not a public address")
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error


class PublicHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = connect_public


class PublicHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = connect_public


def post_to_public_url(url: str, *, body: bytes, headers: dict[str, str]) -> int:
    """POST to a public http(s) URL and return the answer's status; redirects are not followed.

    Raises RefusedAddress for a non-public receiver (before any connection), ValueError for a
    URL that is not http(s), OSError or http.client.HTTPException when the exchange fails.
    """
    parts = urlsplit(url)
    connection_class = {"http": PublicHTTPConnection, "https": PublicHTTPSConnection}.get(
        parts.scheme
    )
    if connection_class is None or not parts.hostname:
        raise ValueError("not an http(s) URL")
    connection = connection_class(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def failure_reason(exc: Exception) -> str:
    """A fixed, short reason for the partner's delivery log: nothing from inside the exchange."""
    if isinstance(exc, RefusedAddress):
        return "refused: not a public address"
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return "TLS error"
    if isinstance(exc, ValueError):
        return "invalid URL"
    if isinstance(exc, socket.gaierror):
        return "host not found"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return "connection failed"


def deliver(*, delivery_id: int) -> bool | None:
    """POST one delivery; True when the receiver took it (2xx), False on failure, None when
    there is nothing left to do (already delivered, or the row is gone).

    Side effects: at most one HTTP request, to a public address only; the delivery row's
    attempt counters and status.
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
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "campaign-webhooks/1",
        "X-Webhook-Id": str(delivery.event_id),
        "X-Webhook-Timestamp": str(timestamp),
        "X-Signature": sign_body(
            secret=delivery.partner.webhook_secret, timestamp=timestamp, body=body
        ),
    }
    status_code, error = None, ""
    try:
        status_code = post_to_public_url(delivery.url, body=body, headers=headers)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        error = failure_reason(exc)
    ok = status_code is not None and 200 <= status_code < 300
    if status_code is not None and not ok:
        error = f"HTTP {status_code}"
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
