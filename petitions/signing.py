"""Signing a petition: one short transaction that stores the signature and enqueues its email."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from petitions.addresses import normalise_email
from petitions.consents import record_consents
from petitions.models import Petition, Signature, SignatureStatus


@dataclass(frozen=True)
class SignOutcome:
    """What happened; the signer sees the same answer for every outcome."""

    signature_id: int
    created: bool
    status: str


_INSERT = """
INSERT INTO petitions_signature
    (public_id, petition_id, name, email, email_key, country, region, postal_code, locale,
     status, created_at, counted, updates_opt_in, partner_id, source, ref, ip_hash,
     widget_id, embed_origin, embed_origin_registered, partner_opt_in, held_reason)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'pending', %s, false, %s, %s, %s, %s, %s,
        %s, %s, %s, %s, %s)
ON CONFLICT (petition_id, email_key) DO NOTHING
RETURNING id
"""


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
    petitions_signature and petitions_consent, one queued task; all in one transaction.
    """
    from petitions.abuse import NO_EMAIL_REASONS
    from petitions.tasks import send_confirmation_email

    now = timezone.now()
    email = email.strip()
    email_key = normalise_email(email)
    partner_opt_in = partner_consent_text_id is not None and partner_id is not None
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                _INSERT,
                [
                    uuid.uuid4(),
                    petition.pk,
                    name,
                    email,
                    email_key,
                    country,
                    region,
                    postal_code,
                    locale,
                    now,
                    updates_opt_in,
                    partner_id,
                    source,
                    ref,
                    ip_hash,
                    widget_id,
                    embed_origin,
                    embed_origin_registered,
                    partner_opt_in,
                    held_reason,
                ],
            )
            row = cursor.fetchone()
        if row is not None:
            signature_id = row[0]
            record_consents(signature_id=signature_id, text_ids=consent_text_ids, given_at=now)
            if partner_opt_in:
                record_consents(
                    signature_id=signature_id,
                    text_ids=[partner_consent_text_id],
                    given_at=now,
                    partner_id=partner_id,
                )
            if held_reason not in NO_EMAIL_REASONS:
                send_confirmation_email.enqueue(signature_id=signature_id)
            return SignOutcome(signature_id, True, SignatureStatus.PENDING)

        existing = Signature.objects.only("id", "status").get(
            petition=petition, email_key=email_key
        )
        if existing.status == SignatureStatus.PENDING and held_reason not in NO_EMAIL_REASONS:
            send_confirmation_email.enqueue(signature_id=existing.pk)
        return SignOutcome(existing.pk, False, existing.status)
