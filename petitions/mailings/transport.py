"""How an update email is handed to the configured transport: an ESP's batch API, or one
message at a time over one connection.

The email is rendered once per batch (all its recipients share a language); the links that
differ per recipient (unsubscribe, withdraw, copy of my data) are placeholders, filled in here
for each message, or by the ESP from ``merge_data`` for a batch.

Batch APIs through anymail (``BATCH_APIS``): Brevo's ``smtp/email`` with ``messageVersions``
(anymail's batch send: ``merge_data`` becomes each version's ``params``, which Brevo renders
into inline content written as ``{{ params.name }}``; ``merge_headers`` becomes each version's
headers), with an idempotency key in the message's ``idempotencyKey`` header (a UUID; Brevo
drops a repeated request with the same key for 15 to 30 minutes). Other anymail ESPs whose
backends batch (Mailgun, Mailjet, Postmark, SparkPost, Amazon SES, SendGrid, Unisender Go,
Mailtrap) offer no idempotency key, and Resend's batch endpoint renders no per-recipient data
(its Idempotency-Key is an HTTP header anymail does not set): with those, as with SMTP and the
console, messages go one by one over one connection.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

# The per-recipient values, as placeholders that survive HTML escaping and markup.
LINKS = ("unsubscribe_url", "withdraw_url", "data_copy_url")
PLACEHOLDERS = {name: f"MAILINGPLACEHOLDER{index}X" for index, name in enumerate(LINKS)}


@dataclass(frozen=True)
class BatchApi:
    """An ESP's batch send through anymail, and what it needs from us."""

    merge_field: str  # how its inline templates name a merge value, "%s" standing for the name
    max_batch: int
    idempotency_header: str = ""  # the message header that carries the key, if it takes one

    @property
    def idempotent(self) -> bool:
        return bool(self.idempotency_header)


BATCH_APIS = {
    "anymail.backends.brevo.EmailBackend": BatchApi(
        merge_field="{{ params.%s }}", max_batch=1000, idempotency_header="idempotencyKey"
    ),
}


def batch_api() -> BatchApi | None:
    """The batch API of the configured EMAIL_BACKEND, None for one message at a time."""
    return BATCH_APIS.get(settings.EMAIL_BACKEND)


def idempotency_key(*, mailing_id: int, batch: int) -> str:
    """The same UUID for the same batch of the same mailing on this site, every time."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/mailings/{mailing_id}/{batch}"))


@dataclass(frozen=True)
class Rendered:
    """One language's email with placeholders for the per-recipient links."""

    subject: str
    text: str
    html: str
    list_id: str


@dataclass(frozen=True)
class Recipient:
    row_id: int
    email: str
    links: dict  # name in LINKS -> absolute URL


def _fill(template: str, links: dict, form: str = "") -> str:
    for name, placeholder in PLACEHOLDERS.items():
        template = template.replace(placeholder, (form % name) if form else links[name])
    return template


def _headers(rendered: Rendered) -> dict:
    return {
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": rendered.list_id,
    }


def single_message(rendered: Rendered, recipient: Recipient, *, connection=None, message_id=""):
    """The email for one recipient, every link filled in."""
    headers = {
        **_headers(rendered),
        "List-Unsubscribe": f"<{recipient.links['unsubscribe_url']}>",
    }
    if message_id:
        headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(
        rendered.subject,
        _fill(rendered.text, recipient.links),
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(_fill(rendered.html, recipient.links), "text/html")
    return message


def batch_message(
    rendered: Rendered, recipients: list[Recipient], *, api: BatchApi, key: str, connection=None
):
    """One anymail batch send: a message version per recipient, links and List-Unsubscribe
    merged per recipient by the ESP, the batch's idempotency key in the header the ESP reads."""
    headers = _headers(rendered)
    if api.idempotent:
        headers[api.idempotency_header] = key
    message = EmailMultiAlternatives(
        rendered.subject,
        _fill(rendered.text, {}, api.merge_field),
        settings.DEFAULT_FROM_EMAIL,
        [r.email for r in recipients],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(_fill(rendered.html, {}, api.merge_field), "text/html")
    message.merge_data = {r.email: dict(r.links) for r in recipients}
    message.merge_headers = {
        r.email: {"List-Unsubscribe": f"<{r.links['unsubscribe_url']}>"} for r in recipients
    }
    return message


def open_connection():
    """One connection to the transport for a whole batch (SMTP: one session)."""
    return get_connection(fail_silently=False)


def new_message_id() -> str:
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname)


def sent_message_ids(message) -> dict[str, str]:
    """Each recipient's message id as the ESP reported it (anymail), by address."""
    status = getattr(message, "anymail_status", None)
    if status is None or not status.recipients:
        return {}
    return {address: (s.message_id or "") for address, s in status.recipients.items()}
