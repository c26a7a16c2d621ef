"""Signing a petition: one statement that stores the signature, its consents and its email task."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from petitions.addresses import normalise_email
from petitions.models import Petition, Signature, SignatureStatus
from petitions.outbox import enqueue_in_sql, task_insert_sql, task_params


@dataclass(frozen=True)
class SignOutcome:
    """What happened; the signer sees the same answer for every outcome."""

    signature_id: int
    created: bool
    status: str


_INSERT = """
WITH signature AS (
    INSERT INTO petitions_signature
        (public_id, petition_id, name, email, email_key, country, region, postal_code, locale,
         status, created_at, counted, updates_opt_in, partner_id, source, ref, ip_hash,
         widget_id, embed_origin, embed_origin_registered, partner_opt_in, held_reason)
    VALUES (%(public_id)s, %(petition_id)s, %(name)s, %(email)s, %(email_key)s, %(country)s,
            %(region)s, %(postal_code)s, %(locale)s, 'pending', %(now)s, false,
            %(updates_opt_in)s, %(partner_id)s, %(source)s, %(ref)s, %(ip_hash)s, %(widget_id)s,
            %(embed_origin)s, %(embed_origin_registered)s, %(partner_opt_in)s, %(held_reason)s)
    ON CONFLICT (petition_id, email_key) DO NOTHING
    RETURNING id
), consents AS (
    -- The consents go in with the signature: one statement, one round trip.
    INSERT INTO petitions_consent (signature_id, text_id, given_at, partner_id)
    SELECT signature.id, shown.text_id, %(now)s, shown.partner_id
    FROM signature, unnest(%(text_ids)s::bigint[], %(consent_partner_ids)s::bigint[])
        AS shown(text_id, partner_id)
){email}
SELECT id FROM signature
"""


@functools.cache
def insert_statement(*, with_email: bool) -> str:
    """The signing statement; ``with_email`` adds the confirmation email's task row to it."""
    email = ""
    if with_email:
        sql = task_insert_sql(source="signature", kwarg="signature_id")
        email = f", email AS ({sql})"
    return _INSERT.replace("{email}", email)


def create_signature(
    *,
    petition: Petition,
    name: str,
    email: str,
    country: str,
    region: str = "",
    postal_code: str = "",
    locale: str,
    updates_opt_in: bool = False,
    consent_text_ids: list[int],
    partner_id: int | None = None,
    source: str = "",
    ref: str = "",
    ip_hash: str = "",
    widget_id: int | None = None,
    embed_origin: str = "",
    embed_origin_registered: bool | None = None,
    partner_consent_text_id: int | None = None,
    held_reason: str = "",
) -> SignOutcome:
    """Store a pending signature, its consents, and enqueue its confirmation email.

    A second signature with the same normalised email changes nothing, except that a still
    pending signature gets its confirmation email again. ``partner_consent_text_id`` is the
    shown "keep me informed by <partner>" text when the signer ticked it. A signature held for a reason in
    ``abuse.NO_EMAIL_REASONS`` is stored without sending any email. Side effects: rows in
    petitions_signature and petitions_consent and one queued task, written by one statement
    (so in one transaction) when tasks live in this database.
    """
    from petitions.abuse import NO_EMAIL_REASONS
    from petitions.tasks import send_confirmation_email

    now = timezone.now()
    email = email.strip()
    email_key = normalise_email(email)
    partner_opt_in = partner_consent_text_id is not None and partner_id is not None
    text_ids = list(consent_text_ids)
    consent_partner_ids: list[int | None] = [None] * len(text_ids)
    if partner_opt_in:
        text_ids.append(partner_consent_text_id)
        consent_partner_ids.append(partner_id)
    sends_email = held_reason not in NO_EMAIL_REASONS
    email_in_statement = sends_email and enqueue_in_sql(send_confirmation_email)
    params = {
        "public_id": uuid.uuid4(),
        "petition_id": petition.pk,
        "name": name,
        "email": email,
        "email_key": email_key,
        "country": country,
        "region": region,
        "postal_code": postal_code,
        "locale": locale,
        "now": now,
        "updates_opt_in": updates_opt_in,
        "partner_id": partner_id,
        "source": source,
        "ref": ref,
        "ip_hash": ip_hash,
        "widget_id": widget_id,
        "embed_origin": embed_origin,
        "embed_origin_registered": embed_origin_registered,
        "partner_opt_in": partner_opt_in,
        "held_reason": held_reason,
        "text_ids": text_ids,
        "consent_partner_ids": consent_partner_ids,
    }
    if email_in_statement:
        params.update(task_params(send_confirmation_email))
    # One statement, so in autocommit it is its own transaction: no BEGIN or COMMIT round
    # trips. Inside a caller's transaction it simply joins it.
    with connection.cursor() as cursor:
        cursor.execute(insert_statement(with_email=email_in_statement), params)
        row = cursor.fetchone()
    if row is not None:
        if sends_email and not email_in_statement:
            send_confirmation_email.enqueue(signature_id=row[0])
        return SignOutcome(row[0], True, SignatureStatus.PENDING)

    existing = Signature.objects.only("id", "status").get(petition=petition, email_key=email_key)
    if existing.status == SignatureStatus.PENDING and sends_email:
        send_confirmation_email.enqueue(signature_id=existing.pk)
    return SignOutcome(existing.pk, False, existing.status)
