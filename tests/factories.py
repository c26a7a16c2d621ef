"""Test data in one call each: keyword-only functions that create rows and return the main one.

The launch campaigns are already in the test database (seeded once per session, see
tests/conftest.py); these make what a test adds on top of them.
"""

from __future__ import annotations

import datetime
import uuid

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaign.campaigns.models import (
    Campaign,
    CampaignMembership,
    CampaignTranslation,
    CampaignUpdate,
    CampaignUpdateTranslation,
    Partner,
    PartnerMembership,
)
from campaign.campaigns.updates import update_hashes
from petitions.models import Petition, Signature, SignatureStatus, Widget

PASSWORD = "correct horse battery staple"
# The TOTP secret of every factory-made account (the admin and the organizer area require TOTP).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def campaign(
    *,
    slug: str,
    primary_language: str = "en",
    languages: tuple[str, ...] = (),
    region_kind: str = "country",
    goal: int = 1000,
    **fields,
) -> Campaign:
    """A campaign with its petition and a reviewed translation in its primary language (and,
    needing review, one per other language in ``languages``)."""
    made = Campaign.objects.create(
        slug=slug,
        hashtag=fields.pop("hashtag", f"#{slug}"),
        primary_language=primary_language,
        region_kind=region_kind,
        target_languages=[primary_language, *languages],
        **fields,
    )
    petition(campaign=made, goal=goal)
    for language in (primary_language, *languages):
        translation(campaign=made, language=language)
    return made


def petition(*, campaign: Campaign, goal: int = 1000, **fields) -> Petition:
    return Petition.objects.create(campaign=campaign, goal=goal, **fields)


def translation(*, campaign: Campaign, language: str, **texts) -> CampaignTranslation:
    """The campaign's content in ``language``: ``texts`` over placeholder texts; it needs
    review unless it is in the primary language."""
    defaults = {
        "title": f"{campaign.slug} ({language})",
        "lead": "A lead.",
        "ask": "An ask.",
        "addressee": "An addressee",
        "why": "A reason.",
        "petition_text": "A petition text.",
        "share_text": "A share text.",
        "needs_review": language != campaign.primary_language,
    }
    return CampaignTranslation.objects.create(
        campaign=campaign, language=language, **{**defaults, **texts}
    )


def campaign_update(
    *,
    campaign: Campaign,
    slug: str,
    title: str = "",
    body: str = "An update.",
    published_at: datetime.datetime | None = None,
    published: bool = True,
    translations: dict[str, tuple[str, str]] | None = None,
    reviewed: bool = False,
) -> CampaignUpdate:
    """An update of ``campaign`` with its primary-language text and, per entry of
    ``translations`` (language → (title, body)), a translation written from that text, needing
    review unless ``reviewed``. Published now (or at ``published_at``) unless ``published=False``."""
    if published and published_at is None:
        published_at = timezone.now()
    made = CampaignUpdate.objects.create(
        campaign=campaign, slug=slug, published_at=published_at if published else None
    )
    primary = CampaignUpdateTranslation.objects.create(
        update=made,
        language=campaign.primary_language,
        title=title or f"{slug} ({campaign.primary_language})",
        body=body,
        needs_review=False,
    )
    for language, (translated_title, translated_body) in (translations or {}).items():
        CampaignUpdateTranslation.objects.create(
            update=made,
            language=language,
            title=translated_title,
            body=translated_body,
            needs_review=not reviewed,
            source_field_hashes=update_hashes(primary),
        )
    return made


def signature(
    *,
    petition: Petition,
    name: str = "Ana Sousa",
    email: str | None = None,
    country: str = "DE",
    confirmed: bool = True,
    confirmed_at: datetime.datetime | None = None,
    days_ago: int = 0,
    locale: str = "en",
    **fields,
) -> Signature:
    """A signature as stored, without the signing service: confirmed (at ``confirmed_at``, else
    ``days_ago`` days ago) or pending; held when ``held_reason`` is given. The email is unique
    unless given; its key is the lower-cased email unless ``email_key`` is given."""
    email = email or f"{uuid.uuid4().hex[:12]}@example.org"
    if confirmed and confirmed_at is None:
        confirmed_at = timezone.now() - datetime.timedelta(days=days_ago)
    return Signature.objects.create(
        petition=petition,
        name=name,
        email=email,
        email_key=fields.pop("email_key", email.lower()),
        country=country,
        locale=locale,
        status=SignatureStatus.CONFIRMED if confirmed else SignatureStatus.PENDING,
        confirmed_at=confirmed_at if confirmed else None,
        **fields,
    )


def partner(*, campaign: Campaign, name: str, **fields) -> Partner:
    return Partner.objects.create(campaign=campaign, name=name, **fields)


def widget(
    *, petition: Petition, partner: Partner, language: str = "en", domains: list[str] | None = None
) -> Widget:
    return Widget.objects.create(
        petition=petition, partner=partner, language=language, allowed_domains=domains or []
    )


def user(*, email: str, totp: bool = True, password: str = PASSWORD, **extra):
    """An account with a verified address, signed in by email, with TOTP active unless
    ``totp=False``."""
    made = get_user_model().objects.create_user(
        username=email, email=email, password=password, **extra
    )
    EmailAddress.objects.create(user=made, email=email, verified=True, primary=True)
    if totp:
        TOTP.activate(made, TOTP_SECRET)
    return made


def member(*, campaign: Campaign, role: str, email: str, totp: bool = True):
    """An organizer account with ``role`` in ``campaign``."""
    made = user(email=email, totp=totp)
    CampaignMembership.objects.create(user=made, campaign=campaign, role=role)
    return made


def partner_member(*, partner: Partner, email: str):
    """A partner's account (TOTP active)."""
    made = user(email=email)
    PartnerMembership.objects.create(user=made, partner=partner)
    return made


def superuser(*, username: str, email: str, password: str = "pw"):
    """A superuser with TOTP active, as the admin requires."""
    made = get_user_model().objects.create_superuser(username, email, password)
    TOTP.activate(made, TOTP_SECRET)
    return made


def mailing_update(
    *,
    campaign: Campaign,
    slug: str = "news",
    published: bool = True,
    texts: dict[str, str] | None = None,
) -> CampaignUpdate:
    """A campaign update with a reviewed text per language in ``texts`` ({language: title}), by
    default one in the campaign's primary language; its body names its language."""
    made = CampaignUpdate.objects.create(
        campaign=campaign, slug=slug, published_at=timezone.now() if published else None
    )
    for language, title in (texts or {campaign.primary_language: "Big news"}).items():
        CampaignUpdateTranslation.objects.create(
            update=made,
            language=language,
            title=title,
            body=f"The body in {language}.\n\nSecond *paragraph*.",
            needs_review=False,
        )
    return made
