"""Signing a petition: the one service behind both sign forms, and the one statement that
stores the signature, its consents and its email task.

``sign_petition`` is what the hosted form (views.sign) and the partner widget
(widget_views.frame_sign) call once they have parsed the POST: it applies the abuse rules of
docs/SECURITY.md ("Abuse rules for signing") in one order for both, records the consents with
the wording shown, and stores the signature (``create_signature``).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from petitions.abuse.rules import NO_EMAIL_REASONS, resend_allowed, screen_signature
from petitions.abuse.throttle import RateCheck
from petitions.addresses import normalise_email
from petitions.consents import partner_consent_text_id, shown_consent_ids
from petitions.mail.tasks import send_confirmation_email
from petitions.models import Petition, Signature, SignatureStatus, Widget
from petitions.queue.sql_enqueue import enqueue_in_sql, task_params
from petitions.signing.procedure import COUNTED_PARAMETERS, SIGN_PARAMETERS, placeholders
from petitions.tokens import TokenProblem


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
# petitions_sign_counted() (migration 0010) first counts the rate limits, then calls it.
_SIGN = f"SELECT petitions_sign(\n    {placeholders(SIGN_PARAMETERS)}\n)"
_SIGN_COUNTED = f"""CALL petitions_sign_counted(
    {placeholders(COUNTED_PARAMETERS)},
    p_signature_id => NULL
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
    rate_checks: Sequence[RateCheck] = (),
) -> SignOutcome:
    """Store a pending signature, its consents, and enqueue its confirmation email.

    A second signature with the same normalised email changes nothing, except that a still
    pending signature gets its confirmation email again, within the re-send bounds
    (abuse.resend_allowed per client, abuse.confirmation_email_allowed per signature): that
    duplicate path takes more round trips (the lookup, the client's re-send counter, the task);
    a new signature takes one. ``partner_consent_text_id`` is the shown "keep me informed by
    <partner>" text when the signer ticked it. A signature held for a reason in
    ``abuse.NO_EMAIL_REASONS`` is stored without sending any email. ``rate_checks`` are
    counted in the same round trip, their counters committed first on their own (in a
    caller's transaction, with it); over a limit, the signature is held for that limit's
    reason unless ``held_reason`` is set. Side effects: rows in petitions_signature and
    petitions_consent and one queued task, written by one statement (so in one transaction)
    when tasks live in this database; the counters' increments.
    """
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
        "held_reason": str(held_reason),
        "text_ids": text_ids,
        "consent_partner_ids": consent_partner_ids,
    }
    params.update(task_params(send_confirmation_email) if email_in_statement else NO_TASK)
    sql = _SIGN
    if rate_checks:
        sql = _SIGN_COUNTED
        params.update(
            rate_keys=[check.counter for check in rate_checks],
            rate_expires=[check.expires_at for check in rate_checks],
            rate_limits=[check.limit for check in rate_checks],
            rate_reasons=[str(check.reason) for check in rate_checks],
            commit_counters=not connection.in_atomic_block,
        )
    # One statement, so in autocommit it is its own transaction: no BEGIN or COMMIT round
    # trips. Inside a caller's transaction it simply joins it.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (signature_id,) = cursor.fetchone()
    if signature_id is not None:
        if sends_email and not email_in_statement:
            send_confirmation_email.enqueue(signature_id=signature_id)
        return SignOutcome(signature_id, True, SignatureStatus.PENDING)

    existing = Signature.objects.only("id", "status").get(petition=petition, email_key=email_key)
    if (
        existing.status == SignatureStatus.PENDING
        and sends_email
        and resend_allowed(ip_hash=ip_hash)
    ):
        send_confirmation_email.enqueue(signature_id=existing.pk)
    return SignOutcome(existing.pk, False, existing.status)


class Refusal(enum.Enum):
    """Why a sign POST stored nothing; each form words it on its own page."""

    PAUSED = "paused"  # the petition is not open for signing
    CLOSED = "closed"  # an owner closed the petition for good
    TOKEN = "token"  # the form token is not genuine, or too old
    INVALID = "invalid"  # a field is missing or wrong
    POW = "pow"  # proof of work is required and the POST does not solve its puzzle


@dataclass(frozen=True)
class SigningClient:
    """The sign POST as the abuse rules read it, whichever form sent it.

    ``token_problem`` is the sending form's own token check (the hosted form's token names the
    petition, the widget's its widget); ``honeypot`` and ``pow_solution`` are the hidden
    fields as posted.
    """

    ip_hash: str
    form_token: str
    token_problem: TokenProblem | None
    pow_solution: str = ""
    honeypot: str = ""


@dataclass(frozen=True)
class Embedding:
    """The partner's page a widget signature was sent from: its origin ("" when unknown) and
    whether the partner registered that origin's domain for the widget."""

    origin: str
    registered: bool


@dataclass(frozen=True)
class SigningOutcome:
    """Either why nothing was stored, or the stored (or already stored) signature.

    A held signature and a duplicate look like any other stored one: the signer sees the same
    "check your email" page for all of them.
    """

    refusal: Refusal | None = None
    signature: SignOutcome | None = None


def sign_petition(
    *,
    campaign,
    data: dict | None,
    client: SigningClient,
    language: str,
    widget: Widget | None = None,
    embedding: Embedding | None = None,
    source: str = "",
    ref: str = "",
) -> SigningOutcome:
    """Apply the signing rules to a parsed sign POST and store the signature if they allow.

    ``data`` is the valid SignatureForm's cleaned data, None when the form was not valid.
    ``widget`` attributes the signature to a partner: the hosted form's ``?partner=`` key or
    the widget it was framed in. ``embedding`` is given for a signature sent through the
    widget's frame: it records the embedding page, and only the frame offers the "keep me
    informed by <partner>" box.

    The rules, in order, the same for both forms (docs/SECURITY.md, "Abuse rules for
    signing"): a closed or paused petition refuses; a form token that is not genuine or too old
    refuses; invalid fields refuse; a required proof of work not solved refuses; then the
    honeypot, a disposable domain and the rate limits hold the signature (stored, answered
    alike, not counted). Side effects: those of
    ``abuse.screen_signature`` and ``create_signature`` (the consents, the signature and its
    confirmation email in one transaction), none when refused.
    """
    petition = campaign.petition
    if petition.closed_at is not None:
        return SigningOutcome(Refusal.CLOSED)
    if not petition.is_open:
        return SigningOutcome(Refusal.PAUSED)
    if client.token_problem is not None:
        return SigningOutcome(Refusal.TOKEN)
    if data is None:
        return SigningOutcome(Refusal.INVALID)
    hold = screen_signature(
        petition=petition,
        form_token=client.form_token,
        pow_solution=client.pow_solution,
        honeypot=client.honeypot,
        ip_hash=client.ip_hash,
        email=data["email"],
    )
    if hold is None:
        return SigningOutcome(Refusal.POW)
    partner_text_id = None
    if embedding is not None and widget is not None and data["partner_opt_in"]:
        partner_text_id = partner_consent_text_id(widget.partner, language)
    signature = create_signature(
        petition=petition,
        name=data["name"],
        email=data["email"],
        country=data.get("country", ""),
        region=data.get("region", ""),
        postal_code=data.get("postal_code", ""),
        locale=language,
        updates_opt_in=data["updates_opt_in"],
        consent_text_ids=shown_consent_ids(campaign, language, updates=data["updates_opt_in"]),
        partner_consent_text_id=partner_text_id,
        partner_id=widget.partner_id if widget else None,
        widget_id=widget.pk if widget else None,
        embed_origin=embedding.origin if embedding else "",
        embed_origin_registered=embedding.registered if embedding else None,
        source=source,
        ref=ref,
        ip_hash=client.ip_hash,
        held_reason=hold.reason,
        rate_checks=hold.rate_checks,
    )
    return SigningOutcome(signature=signature)
