"""Supporters' rights, self-service: withdraw a signature, receive a copy of one's data."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from campaign.l10n import format_datetime
from petitions.addresses import normalise_email
from petitions.consents import CONSENT_KIND_LABELS, signature_consents
from petitions.counting import lock_counts, uncount
from petitions.models import Petition, Signature, SignatureStatus
from petitions.regions import region_name
from petitions.throttle import over_limit


def withdraw_signature(*, public_id: uuid.UUID) -> bool:
    """Erase a signature: its row, its consents, its finished or waiting tasks; fix the counts.

    Runs under the petition's counting lock, so a concurrent flush cannot count the row
    while it goes. Returns False when there was no such signature. Side effects: DELETEs, and
    one UPDATE of SignatureCount when the signature was counted.
    """
    from django_tasks.base import TaskResultStatus as ResultStatus
    from django_tasks_db.models import DBTaskResult

    petition_id = (
        Signature.objects.filter(public_id=public_id).values_list("petition_id", flat=True).first()
    )
    if petition_id is None:
        return False
    with transaction.atomic():
        lock_counts(petition_id=petition_id)
        signature = Signature.objects.select_for_update().filter(public_id=public_id).first()
        if signature is None:
            return False
        if signature.counted:
            uncount(petition_id=petition_id, country=signature.country, region=signature.region)
        DBTaskResult.objects.filter(
            args_kwargs__kwargs__signature_id=signature.pk,
            status__in=[ResultStatus.READY, ResultStatus.SUCCESSFUL, ResultStatus.FAILED],
        ).delete()
        signature.delete()  # its consents go with it (CASCADE)
    return True


def request_data_copy(*, public_id: uuid.UUID) -> bool:
    """Queue an email with a copy of the signer's data; at most DATA_COPY_RATE per signature.

    Returns whether an email was queued. Side effects: a counter increment, one queued task.
    """
    from django.conf import settings

    from petitions.tasks import send_data_copy_email

    signature_id = (
        Signature.objects.filter(public_id=public_id).values_list("id", flat=True).first()
    )
    if signature_id is None or over_limit(f"data-copy:{public_id}", settings.DATA_COPY_RATE):
        return False
    send_data_copy_email.enqueue(signature_id=signature_id)
    return True


def request_rights_links(*, petition: Petition, email: str) -> bool:
    """Queue an email with fresh withdraw and data-copy links, if this address signed.

    At most DATA_COPY_RATE per address. Returns whether an email was queued; callers answer
    the same either way. Side effects: a counter increment, one queued task.
    """
    from django.conf import settings

    from petitions.tasks import send_rights_links_email

    email_key = normalise_email(email)
    signature_id = (
        Signature.objects.filter(petition=petition, email_key=email_key)
        .values_list("id", flat=True)
        .first()
    )
    if signature_id is None or over_limit(f"rights-links:{email_key}", settings.DATA_COPY_RATE):
        return False
    send_rights_links_email.enqueue(signature_id=signature_id)
    return True


# A human label for every stored field; tests check that each concrete field has one.
FIELD_LABELS = {
    "public_id": gettext_lazy("Signature reference"),
    "petition": gettext_lazy("Petition"),
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("Email address"),
    "email_key": gettext_lazy("Email address as compared for duplicates"),
    "country": gettext_lazy("Country"),
    "region": gettext_lazy("State"),
    "postal_code": gettext_lazy("Postal code"),
    "locale": gettext_lazy("Language"),
    "status": gettext_lazy("Status"),
    "created_at": gettext_lazy("Signed on"),
    "confirmed_at": gettext_lazy("Confirmed on"),
    "counted": gettext_lazy("Counted in the total"),
    "updates_opt_in": gettext_lazy("Campaign updates by email"),
    "partner": gettext_lazy("Partner"),
    "widget": gettext_lazy("Partner widget"),
    "embed_origin": gettext_lazy("Site that embedded the widget"),
    "embed_origin_registered": gettext_lazy("Site registered by the partner"),
    "partner_opt_in": gettext_lazy("News from the partner"),
    "source": gettext_lazy("Source of the link"),
    "ref": gettext_lazy("Reference of the link"),
    "ip_hash": gettext_lazy("Keyed hash of your IP address"),
    "held_reason": gettext_lazy("Review"),
    "anonymised_at": gettext_lazy("Anonymised on"),
}


def _display(signature: Signature, name: str, language: str) -> str | bool | None:
    value = getattr(signature, name)
    if name == "petition":
        return signature.petition.campaign.hashtag
    if name == "country":
        return signature.country.name
    if name == "region" and value:
        return f"{region_name(value)} ({value})"
    if name == "locale":
        return get_language_info(value)["name_local"]
    if name == "status":
        confirmed = value == SignatureStatus.CONFIRMED
        return _("confirmed") if confirmed else _("waiting for confirmation")
    if name == "held_reason":
        # Only whether it is held: naming the check would tell a bot which one caught it.
        return _("under review before it is counted") if value else _("no")
    if name == "widget" and value is not None:
        return value.key
    if isinstance(value, datetime.datetime):
        return format_datetime(value, language)
    if name == "partner" and value is not None:
        return value.name
    return value


def signature_data(signature: Signature) -> list[tuple[str, str]]:
    """Every stored field of the signature as (label, value) in the signer's language.

    The held reason itself is not given, only whether the signature is under review.
    """
    rows = []
    for field in Signature._meta.concrete_fields:
        # An empty region is no data, and campaigns that ask for none should not name it.
        if field.name == "id" or (field.name == "region" and not signature.region):
            continue
        value = _display(signature, field.name, signature.locale)
        if value is None or value == "":
            value = "—"
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        label = FIELD_LABELS.get(field.name, field.verbose_name)
        rows.append((str(label), str(value)))
    return rows


def consent_rows(signature: Signature) -> list[dict]:
    """The signature's consents with a translated kind, a local time and the text version."""
    return [
        {
            "kind": str(CONSENT_KIND_LABELS.get(consent.text.kind, consent.text.kind)),
            "given": format_datetime(consent.given_at, signature.locale),
            "version": consent.text.sha256[:12],
            "text": consent.text.text,
        }
        for consent in signature_consents(signature_id=signature.pk)
    ]
