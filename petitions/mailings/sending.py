"""Sending a mailing's batches, idempotent per recipient.

Each recipient row goes pending → sending → sent (or skipped, failed, unknown). "sending" is
written and committed *before* anything is handed to the transport, and "sent" after the
transport accepted it; the gap between the two is where a crash (a ``kill -9`` of the worker,
a lost connection) leaves us not knowing whether the messages went out. What a resumed batch
does with rows found in "sending" depends on the transport:

- An ESP batch API with an idempotency key (``transport.BATCH_APIS``, Brevo): the same rows
  are sent again as the same request under the same key (``transport.idempotency_key``: the
  mailing and the batch), and the ESP drops it if the first one arrived. The ESP keeps a key
  for a limited time, so this is done only within MAILING_IDEMPOTENCY_WINDOW seconds of the
  claim; past it the rows are marked "unknown" like below.
- Anything else (SMTP, the console, ESPs without a key): the rows are marked "unknown" and never
  sent again, since sending again could deliver twice. To keep that set small, such transports
  claim and send a batch in chunks of MAILING_CHUNK messages, each committed as sent before the
  next is claimed: a crash leaves at most one chunk unknown. The organizer sees the count.

A batch runs under a session advisory lock of its own, so two workers never send one batch at
once; the lock goes with the connection when a worker dies. A signer who unsubscribed, withdrew
or whose address was suppressed (bounce, complaint) after the planning is skipped when their
batch is claimed. Rows are claimed, skipped and marked with set-based UPDATEs; a batch is at
most MAILING_BATCH_SIZE rows, so memory stays flat whatever the number of recipients.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass

from anymail.exceptions import AnymailAPIError, AnymailRequestsAPIError
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from campaign.campaigns.content import campaign_translation
from campaign.campaigns.updates import shown_translations, update_language
from campaign.core.links import absolute_url
from petitions.mail.suppression import address_hash, is_suppressed, legacy_address_hashes
from petitions.mailings import transport
from petitions.models import (
    EmailSuppression,
    Mailing,
    MailingRecipient,
    MailingStatus,
    RecipientState,
    counted_sql,
)
from petitions.reporting.access_log import record_audit
from petitions.tokens import make_rights_token

logger = logging.getLogger(__name__)

# Messages claimed at a time where the transport has no idempotency (see the module's text).
MAILING_CHUNK = 50
_LOCK_NAMESPACE = 7_202_612  # next to reporting.counting's; two-key advisory locks


class TransientSendError(Exception):
    """The transport failed for now; the batch's rows are back in a state a retry can take."""


@dataclass
class BatchOutcome:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    unknown: int = 0
    resent_under_key: int = 0  # in-flight rows sent again with the batch's idempotency key


def _links(signature_public_id, slug: str) -> dict:
    links = {}
    for name, url_name, purpose in (
        ("unsubscribe_url", "petitions:unsubscribe", "unsubscribe"),
        ("withdraw_url", "petitions:withdraw", "withdraw"),
        ("data_copy_url", "petitions:data_copy", "data"),
    ):
        token = make_rights_token(signature_public_id, purpose=purpose)
        links[name] = absolute_url(reverse(url_name, kwargs={"slug": slug, "token": token}))
    return links


def render_update(update, language: str) -> transport.Rendered:
    """The update's email in ``language`` (a language the update has a text in), with
    placeholders for the per-recipient links."""
    campaign = update.campaign
    text = shown_translations(update.campaign, update)[language]
    with translation.override(language):
        content = campaign_translation(campaign, language)
        context = {
            "campaign": campaign,
            "content": content,
            "update": text,
            "language": language,
            "campaign_url": absolute_url(
                reverse("campaign:detail", kwargs={"slug": campaign.slug})
            ),
            "link_max_age_days": settings.SIGNER_LINK_MAX_AGE // 86400,
            **transport.PLACEHOLDERS,
        }
        html = render_to_string("emails/update.html", context)
        plain = render_to_string("emails/update.txt", context)
    host = settings.SITE_URL.split("//", 1)[-1].split("/")[0].split(":")[0]
    return transport.Rendered(
        subject=" ".join(text.title.split()),
        text=plain,
        html=html,
        list_id=f"{campaign.hashtag.lstrip('#')} <{campaign.slug}.updates.{host}>",
    )


def send_test_message(*, mailing_id: int, language: str, email: str) -> None:
    """Send the update to an organizer's own address, in ``language`` (through its fallback
    chain). The links in it work for no signer. Side effect: one email."""
    mailing = Mailing.objects.select_related("update__campaign").get(pk=mailing_id)
    update = mailing.update
    rendered = render_update(update, update_language(update.campaign, update, language))
    slug = update.campaign.slug
    links = {
        "unsubscribe_url": absolute_url(reverse("campaign:detail", kwargs={"slug": slug})),
        "withdraw_url": absolute_url(reverse("campaign:detail", kwargs={"slug": slug})),
        "data_copy_url": absolute_url(reverse("campaign:detail", kwargs={"slug": slug})),
    }
    message = transport.single_message(
        rendered, transport.Recipient(row_id=0, email=email, links=links)
    )
    message.subject = f"[TEST] {message.subject}"
    message.send()


# -- claiming --------------------------------------------------------------------------------

_SKIP_LEFT_SQL = f"""
    UPDATE petitions_mailingrecipient r SET state = 'skipped'
    FROM petitions_signature s
    WHERE r.mailing_id = %(mailing)s AND r.batch = %(batch)s AND r.state = 'pending'
        AND s.id = r.signature_id
        AND NOT (s.updates_opt_in AND s.anonymised_at IS NULL AND {counted_sql("s")})
"""

_CLAIM_SQL = """
    UPDATE petitions_mailingrecipient r SET state = 'sending', claimed_at = %(now)s
    FROM petitions_signature s
    WHERE r.id IN (
        SELECT id FROM petitions_mailingrecipient
        WHERE mailing_id = %(mailing)s AND batch = %(batch)s AND state = 'pending'
        ORDER BY id LIMIT %(limit)s FOR UPDATE
    ) AND s.id = r.signature_id
    RETURNING r.id, s.email, s.public_id
"""

_IN_FLIGHT_SQL = """
    SELECT r.id, s.email, s.public_id, r.claimed_at
    FROM petitions_mailingrecipient r JOIN petitions_signature s ON s.id = r.signature_id
    WHERE r.mailing_id = %(mailing)s AND r.batch = %(batch)s AND r.state = 'sending'
    ORDER BY r.id
"""


def _set_state(row_ids: list[int], state: str, *, message_ids: list[str] | None = None) -> None:
    """One UPDATE for many rows; ``sent`` rows get their time and message id."""
    if not row_ids:
        return
    with connection.cursor() as cursor:
        if state == RecipientState.SENT:
            cursor.execute(
                "UPDATE petitions_mailingrecipient r SET state = 'sent', sent_at = %s, "
                "message_id = v.message_id FROM unnest(%s::bigint[], %s::text[]) "
                "AS v(id, message_id) WHERE r.id = v.id",
                [timezone.now(), row_ids, message_ids or [""] * len(row_ids)],
            )
        else:
            cursor.execute(
                "UPDATE petitions_mailingrecipient SET state = %s WHERE id = ANY(%s::bigint[])",
                [state, row_ids],
            )


def _count(mailing_id: int, **increments: int) -> None:
    changes = {name: F(name) + n for name, n in increments.items() if n}
    if changes:
        Mailing.objects.filter(pk=mailing_id).update(**changes)


def _suppressed(rows: list[tuple]) -> set[int]:
    """The row ids whose address is on the suppression list now (one query for the rows)."""
    hashes = {}
    for row_id, email, *_ in rows:
        for value in (address_hash(email), *legacy_address_hashes(email)):
            hashes.setdefault(value, []).append((row_id, email))
    found = EmailSuppression.objects.filter(address_hash__in=list(hashes)).values_list(
        "address_hash", flat=True
    )
    suppressed = set()
    for value in found:
        for row_id, email in hashes[value]:
            # is_suppressed lifts a suppression the address outlived and re-keys legacy hashes.
            if row_id not in suppressed and is_suppressed(email):
                suppressed.add(row_id)
    return suppressed


def _claim(mailing_id: int, batch: int, limit: int, outcome: BatchOutcome) -> list[tuple]:
    """Skip who left, claim up to ``limit`` pending rows, skip suppressed addresses; commit.

    Returns (row id, email, public id) of the rows now in "sending".
    """
    params = {"mailing": mailing_id, "batch": batch, "limit": limit, "now": timezone.now()}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_SKIP_LEFT_SQL, params)
        left = cursor.rowcount
        cursor.execute(_CLAIM_SQL, params)
        rows = cursor.fetchall()
        suppressed = _suppressed(rows)
        _set_state(sorted(suppressed), RecipientState.SKIPPED)
        _count(mailing_id, skipped=left + len(suppressed))
    outcome.skipped += left + len(suppressed)
    return [row for row in rows if row[0] not in suppressed]


# -- sending ---------------------------------------------------------------------------------


def _recipients(rows, slug: str) -> list[transport.Recipient]:
    return [
        transport.Recipient(row_id=row_id, email=email, links=_links(public_id, slug))
        for row_id, email, public_id, *_ in rows
    ]


def _mark_sent(mailing_id: int, recipients, message_ids: list[str], outcome: BatchOutcome):
    with transaction.atomic():
        _set_state([r.row_id for r in recipients], RecipientState.SENT, message_ids=message_ids)
        _count(mailing_id, sent=len(recipients))
    outcome.sent += len(recipients)


def _mark(mailing_id: int, row_ids: list[int], state: str, outcome: BatchOutcome) -> None:
    with transaction.atomic():
        _set_state(row_ids, state)
        if state in (RecipientState.FAILED, RecipientState.UNKNOWN, RecipientState.SKIPPED):
            _count(mailing_id, **{state: len(row_ids)})
    if state != RecipientState.PENDING:
        setattr(outcome, state, getattr(outcome, state) + len(row_ids))


def _answered(error: Exception) -> bool:
    """Whether the transport answered with a refusal (nothing was accepted), rather than the
    connection failing with the outcome unknown."""
    if isinstance(error, AnymailRequestsAPIError):
        return error.status_code is not None
    if isinstance(error, AnymailAPIError):
        return True
    return isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def _send_via_batch_api(mailing, batch, api, rendered, rows, outcome, *, resend: bool) -> None:
    recipients = _recipients(rows, mailing.update.campaign.slug)
    key = transport.idempotency_key(mailing_id=mailing.pk, batch=batch)
    message = transport.batch_message(rendered, recipients, api=api, key=key)
    try:
        message.send()
    except Exception as error:
        if _answered(error):
            # Refused as a whole: nothing went out. Back to pending, claimed afresh by a retry.
            _mark(mailing.pk, [r.row_id for r in recipients], RecipientState.PENDING, outcome)
        # Otherwise the rows stay "sending": a retry within the window resends under the key.
        raise TransientSendError(f"batch {batch}: {type(error).__name__}") from error
    ids = transport.sent_message_ids(message)
    _mark_sent(mailing.pk, recipients, [ids.get(r.email, "") for r in recipients], outcome)
    if resend:
        outcome.resent_under_key += len(recipients)


def _send_one_by_one(mailing, rendered, rows, outcome) -> None:
    recipients = _recipients(rows, mailing.update.campaign.slug)
    done: list[transport.Recipient] = []
    message_ids: list[str] = []
    with transport.open_connection() as mail_connection:
        for index, recipient in enumerate(recipients):
            message_id = transport.new_message_id()
            message = transport.single_message(
                rendered, recipient, connection=mail_connection, message_id=message_id
            )
            try:
                message.send()
            except Exception as error:
                _mark_sent(mailing.pk, done, message_ids, outcome)
                rest = [r.row_id for r in recipients[index + 1 :]]
                if isinstance(error, smtplib.SMTPRecipientsRefused):
                    _mark(mailing.pk, [recipient.row_id], RecipientState.FAILED, outcome)
                elif _answered(error):
                    rest.insert(0, recipient.row_id)
                else:
                    _mark(mailing.pk, [recipient.row_id], RecipientState.UNKNOWN, outcome)
                _mark(mailing.pk, rest, RecipientState.PENDING, outcome)
                raise TransientSendError(f"{type(error).__name__}") from error
            ids = transport.sent_message_ids(message)
            done.append(recipient)
            message_ids.append(ids.get(recipient.email) or message_id)
    _mark_sent(mailing.pk, done, message_ids, outcome)


def _try_lock(mailing_id: int, batch: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, mailing_id * 100_000 + batch]
        )
        return cursor.fetchone()[0]


def _unlock(mailing_id: int, batch: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, mailing_id * 100_000 + batch]
        )


def send_batch(*, mailing_id: int, batch: int) -> BatchOutcome | None:
    """Send one batch of a mailing; None when the mailing is gone or no longer sending.

    Raises TransientSendError when the transport failed, after putting the rows where a retry
    (the task's, with backoff) takes them up. Side effects: emails; UPDATEs of the batch's
    rows and the mailing's counts; the mailing finished when this was its last open batch.
    """
    mailing = (
        Mailing.objects.select_related("update__campaign__petition")
        .filter(pk=mailing_id, status=MailingStatus.SENDING)
        .first()
    )
    if mailing is None:
        return None
    if not _try_lock(mailing_id, batch):
        # Another worker has it, or a dead worker's connection still holds the lock for a
        # moment: come back later rather than leave the batch's rows unsent.
        raise TransientSendError(f"batch {batch} is locked")
    outcome = BatchOutcome()
    try:
        _send_batch(mailing, batch, outcome)
    finally:
        _unlock(mailing_id, batch)
        logger.info("Mailing %s batch %s: %s", mailing_id, batch, outcome)
    finish(mailing_id=mailing_id)
    return outcome


def _send_batch(mailing: Mailing, batch: int, outcome: BatchOutcome) -> None:
    api = transport.batch_api()
    params = {"mailing": mailing.pk, "batch": batch}
    with connection.cursor() as cursor:
        cursor.execute(_IN_FLIGHT_SQL, params)
        in_flight = cursor.fetchall()
        cursor.execute(
            "SELECT language FROM petitions_mailingrecipient "
            "WHERE mailing_id = %(mailing)s AND batch = %(batch)s LIMIT 1",
            params,
        )
        found = cursor.fetchone()
    if found is None:
        return  # every row of it was withdrawn
    rendered = render_update(mailing.update, found[0])
    if in_flight:
        window = datetime.timedelta(seconds=settings.MAILING_IDEMPOTENCY_WINDOW)
        claimed_at = min(row[3] for row in in_flight)
        if api is not None and api.idempotent and timezone.now() - claimed_at < window:
            _send_via_batch_api(mailing, batch, api, rendered, in_flight, outcome, resend=True)
            return
        _mark(mailing.pk, [row[0] for row in in_flight], RecipientState.UNKNOWN, outcome)
        logger.warning(
            "Mailing %s batch %s: %s message(s) of unknown outcome, not resent",
            mailing.pk,
            batch,
            len(in_flight),
        )
    if api is not None:
        rows = _claim(mailing.pk, batch, api.max_batch, outcome)
        if rows:
            _send_via_batch_api(mailing, batch, api, rendered, rows, outcome, resend=False)
        return
    while rows := _claim(mailing.pk, batch, MAILING_CHUNK, outcome):
        _send_one_by_one(mailing, rendered, rows, outcome)


def give_up(*, mailing_id: int, batch: int) -> None:
    """After the last retry: the batch's pending rows failed, its in-flight rows are unknown.

    Side effects: UPDATEs of the rows and the mailing's counts; finishes the mailing if done.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        for state, new in (("pending", "failed"), ("sending", "unknown")):
            cursor.execute(
                "UPDATE petitions_mailingrecipient SET state = %s WHERE mailing_id = %s "
                "AND batch = %s AND state = %s",
                [new, mailing_id, batch, state],
            )
            _count(mailing_id, **{new: cursor.rowcount})
    finish(mailing_id=mailing_id)


def finish(*, mailing_id: int) -> bool:
    """Mark the mailing done once no row is pending or in flight; audit it once with its counts.

    Side effects: one UPDATE of the mailing (only the first caller wins), one audit event.
    """
    open_rows = MailingRecipient.objects.filter(
        mailing=OuterRef("pk"), state__in=[RecipientState.PENDING, RecipientState.SENDING]
    )
    with transaction.atomic():
        done = (
            Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SENDING)
            .filter(~Exists(open_rows))
            .update(status=MailingStatus.DONE, finished_at=timezone.now())
        )
        if not done:
            return False
        mailing = Mailing.objects.select_related("update__campaign__petition").get(pk=mailing_id)
        record_audit(
            user=mailing.requested_by,
            action="mailing_finished",
            petition=mailing.update.campaign.petition,
            rows=mailing.sent,
            detail=(
                f"update {mailing.update.slug}: {mailing.sent} sent, {mailing.skipped} skipped, "
                f"{mailing.failed} failed, {mailing.unknown} unknown of {mailing.recipients}"
            ),
        )
    return True
