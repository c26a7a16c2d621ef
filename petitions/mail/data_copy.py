"""What a signer's data copy shows: every stored field and every consent, in their language."""

from __future__ import annotations

import datetime

from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from campaign.core.l10n import format_datetime
from petitions.consents import CONSENT_KIND_LABELS, signature_consents
from petitions.models import MailingRecipient, RecipientState, Signature, SignatureStatus
from petitions.regions import region_name

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
        return f"{region_name(value, language)} ({value})"
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
    # A campaign that asks for no place has none to show: no empty country or postal code.
    placeless = signature.petition.campaign.region_kind == "none"
    for field in Signature._meta.concrete_fields:
        # An empty region is no data, and campaigns that ask for none should not name it.
        if field.name == "id" or (field.name == "region" and not signature.region):
            continue
        if (
            placeless
            and field.name in ("country", "postal_code")
            and not getattr(signature, field.name)
        ):
            continue
        value = _display(signature, field.name, signature.locale)
        if value is None or value == "":
            value = "—"
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        label = FIELD_LABELS.get(field.name, field.verbose_name)
        if field.name == "region" and not signature.region.startswith("BR-"):
            label = _("Region")  # "State" is Brazil's word
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
            "withdrawn": format_datetime(consent.withdrawn_at, signature.locale)
            if consent.withdrawn_at
            else "",
        }
        for consent in signature_consents(signature_id=signature.pk)
    ]


def updates_emailed(signature: Signature) -> list[dict]:
    """The campaign updates emailed to the signer: title (in the language it was sent in) and
    when, oldest first."""
    rows = (
        MailingRecipient.objects.filter(signature=signature, state=RecipientState.SENT)
        .select_related("mailing__update")
        .prefetch_related("mailing__update__translations")
        .order_by("sent_at")
    )
    emailed = []
    for row in rows:
        titles = {t.language: t.title for t in row.mailing.update.translations.all()}
        emailed.append(
            {
                "title": titles.get(row.language) or next(iter(titles.values()), ""),
                "sent": format_datetime(row.sent_at, signature.locale),
            }
        )
    return emailed
