"""Who receives an update, in which language and batch; the organizer's test send and confirmation.

Recipients are the signatures of the campaign's petition that count (``counted_sql``, the one
definition), opted in to updates, not anonymised, and whose address is not on the suppression
list; one per address, as a petition holds each normalised address (``email_key``) once. They
are written by one INSERT … SELECT, with their batches formed per language there and then, so
a batch's recipients never change and its idempotency key always means the same messages.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from campaign.campaigns.models import CampaignUpdate
from campaign.campaigns.updates import shown_translations, update_language
from petitions.mail.suppression import HASH_SALT, hash_key
from petitions.mailings.transport import batch_api
from petitions.models import Mailing, MailingStatus, counted_sql

logger = logging.getLogger(__name__)


def _hmac_pads() -> tuple[bytes, bytes]:
    """The inner and outer keys of the suppression list's HMAC-SHA256 (suppression.address_hash,
    Django's salted_hmac), so PostgreSQL can compute the hash of each ``email_key`` with its
    built-in sha256(): HMAC(k, m) = H(k ^ opad || H(k ^ ipad || m)) for a key under 64 bytes."""
    key = hashlib.sha256(HASH_SALT.encode() + hash_key().encode()).digest().ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


ELIGIBLE_SQL = f"""
    SELECT s.id, l.language
    FROM petitions_signature s
    JOIN unnest(%(locales)s::text[], %(languages)s::text[]) AS l(locale, language)
        ON l.locale = s.locale
    WHERE s.petition_id = %(petition)s AND {counted_sql("s")}
        AND s.updates_opt_in AND s.anonymised_at IS NULL
        AND NOT EXISTS (
            SELECT 1 FROM petitions_emailsuppression x
            WHERE x.address_hash = encode(
                sha256(%(opad)s || sha256(%(ipad)s || convert_to(s.email_key, 'UTF8'))), 'hex')
            -- a confirmation after the suppression lifts it (suppression.is_suppressed)
            AND NOT s.confirmed_at > x.created_at
        )
"""

PLAN_SQL = f"""
    WITH eligible AS ({ELIGIBLE_SQL}),
    numbered AS (
        SELECT id, language,
            (row_number() OVER (PARTITION BY language ORDER BY id) - 1) / %(size)s AS chunk
        FROM eligible
    )
    INSERT INTO petitions_mailingrecipient (mailing_id, signature_id, language, batch, state,
        message_id)
    SELECT %(mailing)s, id, language, dense_rank() OVER (ORDER BY language, chunk), 'pending', ''
    FROM numbered
    ON CONFLICT (mailing_id, signature_id) DO NOTHING
"""


def _parameters(update: CampaignUpdate) -> dict:
    texts = shown_translations(update.campaign, update)
    locales = [code for code, _ in settings.LANGUAGES]
    inner, outer = _hmac_pads()
    return {
        "locales": locales,
        "languages": [update_language(update.campaign, update, code, texts) for code in locales],
        "petition": update.campaign.petition.pk,
        "ipad": inner,
        "opad": outer,
    }


def recipient_counts(*, update: CampaignUpdate) -> dict[str, int]:
    """How many signers would receive the update now, by the language they would get it in."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT language, count(*) FROM ({ELIGIBLE_SQL}) e GROUP BY language ORDER BY 1",
            _parameters(update),
        )
        return dict(cursor.fetchall())


def batch_size() -> int:
    """Recipients per batch: MAILING_BATCH_SIZE, at most what the ESP's batch API takes."""
    api = batch_api()
    return min(settings.MAILING_BATCH_SIZE, api.max_batch) if api else settings.MAILING_BATCH_SIZE


def plan(*, mailing_id: int) -> int | None:
    """Write the recipients of a confirmed mailing; returns its number of batches.

    None for a mailing that is not being planned (planned already, by a task run twice). Call
    it inside the transaction that queues the batches' tasks. Side effects: INSERT of
    MailingRecipient rows, UPDATE of the mailing (status sending, recipients, started_at).
    """
    with transaction.atomic():
        mailing = (
            Mailing.objects.select_for_update(of=("self",))
            .select_related("update__campaign__petition")
            .filter(pk=mailing_id, status=MailingStatus.PLANNING)
            .first()
        )
        if mailing is None:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                PLAN_SQL,
                {**_parameters(mailing.update), "mailing": mailing.pk, "size": batch_size()},
            )
            cursor.execute(
                "SELECT coalesce(max(batch), 0), count(*) FROM petitions_mailingrecipient "
                "WHERE mailing_id = %s",
                [mailing.pk],
            )
            batches, recipients = cursor.fetchone()
        Mailing.objects.filter(pk=mailing.pk).update(
            status=MailingStatus.SENDING, recipients=recipients, started_at=timezone.now()
        )
    logger.info("Mailing %s planned: %s recipients in %s batches", mailing_id, recipients, batches)
    return batches
