"""Consents: their wording, and recording them with the exact wording that was shown.

The one place the consent texts are written (the sign forms' templates show the same
sentences, the privacy one with a link): the signing service stores them from here, the widget
labels its partner box from here, and the data-copy email and exports read the stored texts
and the kind labels below.
"""

from __future__ import annotations

import hashlib

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from petitions import privacy
from petitions.models import Consent, ConsentKind, ConsentText

# What each kind of consent is called where a signer reads their consents (the data copy).
CONSENT_KIND_LABELS = {
    ConsentKind.PRIVACY: gettext_lazy("Privacy notice"),
    ConsentKind.UPDATES: gettext_lazy("Campaign updates"),
    ConsentKind.PARTNER: gettext_lazy("News from a partner"),
}

# Texts are immutable once stored, so their ids can be remembered per process.
_text_ids: dict[str, int] = {}


def privacy_consent_text(campaign) -> str:
    """The privacy consent as the signer saw it: the sentence ticked and the whole notice."""
    return (
        _("I agree that my signature is processed as the privacy notice describes.")
        + "\n\n"
        + privacy.privacy_notice_text(campaign)
    )


def updates_consent_text(campaign) -> str:
    return _("Keep me informed by email about %(hashtag)s.") % {"hashtag": campaign.hashtag}


def partner_consent_text(partner) -> str:
    return _("Keep me informed by %(partner)s.") % {"partner": partner.name}


def consent_text_id(*, kind: str, language: str, text: str) -> int:
    """The id of the stored ConsentText for this exact wording, storing it on first use."""
    digest = hashlib.sha256(f"{kind}\n{language}\n{text}".encode()).hexdigest()
    if digest not in _text_ids:
        row, _ = ConsentText.objects.get_or_create(
            sha256=digest, defaults={"kind": kind, "language": language, "text": text}
        )
        _text_ids[digest] = row.pk
    return _text_ids[digest]


def shown_consent_ids(campaign, language: str, *, updates: bool) -> list[int]:
    """The stored texts of the consents a signer gave on the sign form: privacy, and updates
    when ticked."""
    with translation.override(language):
        text = privacy_consent_text(campaign)
    ids = [consent_text_id(kind="privacy", language=language, text=text)]
    if updates:
        with translation.override(language):
            text = updates_consent_text(campaign)
        ids.append(consent_text_id(kind="updates", language=language, text=text))
    return ids


def partner_consent_text_id(partner, language: str) -> int:
    """The stored text of the "keep me informed by <partner>" box, in ``language``."""
    with translation.override(language):
        text = partner_consent_text(partner)
    return consent_text_id(kind="partner", language=language, text=text)


def signature_consents(*, signature_id: int) -> list[Consent]:
    """The signature's consents with their exact texts, oldest first."""
    return list(
        Consent.objects.filter(signature_id=signature_id)
        .select_related("text")
        .order_by("given_at", "text__kind")
    )
