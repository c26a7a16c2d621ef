"""Signing a petition: one statement that stores the signature, its consents and its email task."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from petitions.addresses import normalise_email
from petitions.models import Petition, Signature, SignatureStatus
from petitions.outbox import enqueue_in_sql, task_params


@dataclass(frozen=True)
class SignOutcome:
    """What happened; the signer sees the same answer for every outcome."""

    signature_id: int
    created: bool
    status: str


# petitions_sign() (migration 0008) inserts the signature, its consents and, given a task id,
# the confirmation email's task row, and answers the new id or NULL when the address has
# signed already. A function, because PostgreSQL keeps the plans of its statements for the
# session, where this SQL sent as text was parsed and planned for every signature.
_SIGN = """SELECT petitions_sign(
    p_public_id => %(public_id)s,
    p_petition_id => %(petition_id)s,
    p_name => %(name)s,
    p_email => %(email)s,
    p_email_key => %(email_key)s,
    p_country => %(country)s,
    p_region => %(region)s,
    p_postal_code => %(postal_code)s,
    p_locale => %(locale)s,
    p_now => %(now)s,
    p_updates_opt_in => %(updates_opt_in)s,
    p_partner_id => %(partner_id)s,
    p_source => %(source)s,
    p_ref => %(ref)s,
    p_ip_hash => %(ip_hash)s,
    p_widget_id => %(widget_id)s,
    p_embed_origin => %(embed_origin)s,
    p_embed_origin_registered => %(embed_origin_registered)s,
    p_partner_opt_in => %(partner_opt_in)s,
    p_held_reason => %(held_reason)s,
    p_text_ids => %(text_ids)s::bigint[],
    p_consent_partner_ids => %(consent_partner_ids)s::bigint[],
    p_task_id => %(task_id)s,
    p_task_path => %(task_path)s,
    p_task_priority => %(task_priority)s,
    p_task_queue => %(task_queue)s,
    p_task_backend => %(task_backend)s,
    p_task_run_after => %(task_run_after)s
)"""

NO_TASK = {
    "task_id": None,
    "task_path": None,
    "task_priority": None,
    "task_queue": None,
    "task_backend": None,
    "task_run_after": None,
}


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
    params.update(task_params(send_confirmation_email) if email_in_statement else NO_TASK)
    # One statement, so in autocommit it is its own transaction: no BEGIN or COMMIT round
    # trips. Inside a caller's transaction it simply joins it.
    with connection.cursor() as cursor:
        cursor.execute(_SIGN, params)
        (signature_id,) = cursor.fetchone()
    if signature_id is not None:
        if sends_email and not email_in_statement:
            send_confirmation_email.enqueue(signature_id=signature_id)
        return SignOutcome(signature_id, True, SignatureStatus.PENDING)

    existing = Signature.objects.only("id", "status").get(petition=petition, email_key=email_key)
    if existing.status == SignatureStatus.PENDING and sends_email:
        send_confirmation_email.enqueue(signature_id=existing.pk)
    return SignOutcome(existing.pk, False, existing.status)
