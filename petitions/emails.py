"""The emails sent to signers, one function per message, each in the signer's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from campaign.content import campaign_translation
from petitions.models import Signature
from petitions.tokens import make_confirm_token


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _send(*, to: str, template: str, context: dict) -> None:
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_confirmation(signature: Signature) -> None:
    """Send the double opt-in link. Side effect: one email through EMAIL_BACKEND."""
    campaign = signature.petition.campaign
    with translation.override(signature.locale):
        content = campaign_translation(campaign, signature.locale)
        confirm_path = reverse(
            "petitions:confirm",
            kwargs={"slug": campaign.slug, "token": make_confirm_token(signature.public_id)},
        )
        _send(
            to=signature.email,
            template="confirm",
            context={
                "signature": signature,
                "campaign": campaign,
                "content": content,
                "confirm_url": absolute(confirm_path),
                "campaign_url": absolute(
                    reverse("campaign:detail", kwargs={"slug": campaign.slug})
                ),
                "max_age_days": settings.SIGNATURE_CONFIRM_MAX_AGE // 86400,
            },
        )
