"""The emails sent to signers, one function per message, each in the signer's language.

Every message carries the signer's rights links (withdraw, copy of my data); no message goes
to an address that bounced or complained (email_health).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from campaign.campaigns.content import campaign_translation, get_campaign
from campaign.core.links import absolute_url
from campaign.core.mailer import send_templated
from petitions.mail.data_copy import consent_rows, signature_data, updates_emailed
from petitions.mail.suppression import is_suppressed
from petitions.models import Signature
from petitions.tokens import make_confirm_token, make_rights_token

logger = logging.getLogger(__name__)


def rights_links(signature: Signature) -> dict:
    """Absolute withdraw and data-copy links for the signature, in the active language."""
    slug = signature.petition.campaign.slug
    links = {}
    for key, url_name, purpose in [
        ("withdraw_url", "petitions:withdraw", "withdraw"),
        ("data_copy_url", "petitions:data_copy", "data"),
    ]:
        token = make_rights_token(signature.public_id, purpose=purpose)
        links[key] = absolute_url(reverse(url_name, kwargs={"slug": slug, "token": token}))
    return {**links, "link_max_age_days": settings.SIGNER_LINK_MAX_AGE // 86400}


def _send(*, signature: Signature, template: str, context: dict) -> bool:
    """Render and send one message to the signer; False when the address is suppressed."""
    if is_suppressed(signature.email):
        logger.info("Not sending %s to signature %s: address suppressed", template, signature.pk)
        return False
    campaign = signature.petition.campaign
    # In a surge the worker sends hundreds of these a second: the campaign's texts come from
    # the per-process copy (at most CAMPAIGN_CACHE_SECONDS old), not from a query each.
    texts = get_campaign(campaign.slug, recent=True)
    context = {
        "signature": signature,
        "campaign": campaign,
        "content": campaign_translation(texts, signature.locale),
        "campaign_url": absolute_url(reverse("campaign:detail", kwargs={"slug": campaign.slug})),
        **rights_links(signature),
        **context,
    }
    send_templated(to=signature.email, template=template, context=context)
    return True


def send_confirmation(signature: Signature) -> bool:
    """Send the double opt-in link. Side effect: one email through EMAIL_BACKEND."""
    campaign = signature.petition.campaign
    with translation.override(signature.locale):
        confirm_path = reverse(
            "petitions:confirm",
            kwargs={"slug": campaign.slug, "token": make_confirm_token(signature.public_id)},
        )
        return _send(
            signature=signature,
            template="confirm",
            context={
                "confirm_url": absolute_url(confirm_path),
                "max_age_days": settings.SIGNATURE_CONFIRM_MAX_AGE // 86400,
            },
        )


def send_data_copy(signature: Signature) -> bool:
    """Send the signer every stored field and consent. Side effect: one email."""
    with translation.override(signature.locale):
        return _send(
            signature=signature,
            template="data_copy",
            context={
                "fields": signature_data(signature),
                "consents": consent_rows(signature),
                "updates": updates_emailed(signature),
            },
        )


def send_rights_links(signature: Signature) -> bool:
    """Send fresh withdraw and data-copy links. Side effect: one email."""
    with translation.override(signature.locale):
        return _send(signature=signature, template="rights_links", context={})
