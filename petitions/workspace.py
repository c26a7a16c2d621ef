"""Building a campaign in the organizer workspace: draft, content, petition, publication.

Who may create a campaign: a superuser, or anyone who owns at least one campaign already
(``create_owner`` makes the first). The creator becomes the new campaign's owner. Nothing of a
campaign is public before ``publish_campaign`` (``Campaign.objects.public()``).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from campaign.campaigns import images
from campaign.campaigns.colours import validate_accent_colour
from campaign.campaigns.models import (
    Campaign,
    CampaignMembership,
    CampaignTranslation,
    Role,
)
from campaign.campaigns.translations import SOURCE_FIELDS
from campaign.core.markup import normalise_newlines
from petitions.models import Petition
from petitions.reporting.access_log import record_audit

# Slugs that name organizer pages rather than campaigns (/organize/new/, /organize/invitations/).
RESERVED_SLUGS = frozenset({"new", "invitations", "admin", "api", "embed", "partner"})

# The texts the workspace's content page edits: those a translation is made from, but for
# the hero image's description, which is edited beside the image (set_hero_image).
CONTENT_FIELDS = tuple(name for name in SOURCE_FIELDS if name != "hero_alt")


class NotReadyError(Exception):
    """The campaign lacks what its public page needs (primary-language content or a petition)."""


def may_create_campaigns(user) -> bool:
    """A superuser, or an owner of at least one campaign."""
    if user is None or not user.is_authenticated:
        return False
    return (
        user.is_superuser or CampaignMembership.objects.filter(user=user, role=Role.OWNER).exists()
    )


def create_campaign(
    *,
    slug: str,
    hashtag: str,
    primary_language: str,
    region_kind: str,
    region_country: str = "",
    by,
) -> Campaign:
    """A new unpublished campaign, owned by ``by``.

    Side effects: INSERTs the campaign and the owner's membership, writes the audit log.
    """
    with transaction.atomic():
        campaign = Campaign.objects.create(
            slug=slug,
            hashtag=hashtag,
            primary_language=primary_language,
            region_kind=region_kind,
            region_country=region_country,
            target_languages=[primary_language],
        )
        CampaignMembership.objects.create(user=by, campaign=campaign, role=Role.OWNER)
        record_audit(user=by, action="campaign_create", detail=slug)
    return campaign


def primary_content(campaign: Campaign) -> CampaignTranslation | None:
    return CampaignTranslation.objects.filter(
        campaign=campaign, language=campaign.primary_language
    ).first()


def save_content(*, campaign: Campaign, texts: dict[str, str], by) -> CampaignTranslation:
    """Write the campaign's content in its primary language (line endings made ``\\n``).

    Side effects: INSERT or UPDATE of the primary translation, writes the audit log.
    """
    values = {name: normalise_newlines(texts.get(name, "")) for name in CONTENT_FIELDS}
    with transaction.atomic():
        content, _ = CampaignTranslation.objects.update_or_create(
            campaign=campaign,
            language=campaign.primary_language,
            defaults={**values, "needs_review": False},
        )
        record_audit(
            user=by,
            action="campaign_content",
            petition=Petition.objects.filter(campaign=campaign).first(),
            detail=f"{campaign.slug} [{campaign.primary_language}]",
        )
    return content


def save_petition(
    *,
    campaign: Campaign,
    goal: int,
    closes_at: datetime.datetime | None,
    region_kind: str,
    region_country: str = "",
    by,
) -> Petition:
    """Create or change the campaign's petition: goal, deadline, and the campaign's region kind.

    Side effects: INSERT or UPDATE of the petition and the campaign, writes the audit log.
    """
    with transaction.atomic():
        petition, _ = Petition.objects.update_or_create(
            campaign=campaign, defaults={"goal": goal, "closes_at": closes_at}
        )
        if (campaign.region_kind, campaign.region_country) != (region_kind, region_country):
            campaign.region_kind, campaign.region_country = region_kind, region_country
            campaign.save(update_fields=["region_kind", "region_country"])
        record_audit(
            user=by,
            action="petition_settings",
            petition=petition,
            detail=f"goal {goal}, region kind {region_kind} {region_country}".rstrip(),
        )
    return petition


def save_appearance(*, campaign: Campaign, accent_color: str, by) -> Campaign:
    """Change the campaign's accent colour; ValidationError unless ``#rrggbb`` with a contrast
    of 4.5:1 with what it is used with (``campaign.campaigns.colours``).

    Side effects: UPDATE of the campaign, writes the audit log.
    """
    validate_accent_colour(accent_color)
    campaign.accent_color = accent_color
    with transaction.atomic():
        campaign.save(update_fields=["accent_color"])
        record_audit(
            user=by,
            action="campaign_appearance",
            petition=Petition.objects.filter(campaign=campaign).first(),
            detail=f"{campaign.slug} accent {accent_color}",
        )
    return campaign


def readiness(campaign: Campaign) -> dict[str, bool]:
    """What the public page needs, each true once done."""
    return {
        "content": primary_content(campaign) is not None,
        "petition": Petition.objects.filter(campaign=campaign).exists(),
    }


def publish_campaign(*, campaign: Campaign, by) -> Campaign:
    """Make the campaign public: its page, the home page list, the sitemap, the API, the widget.

    Raises NotReadyError when content or petition is missing (nothing changed).
    Side effects: UPDATE of the campaign, writes the audit log.
    """
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not all(readiness(locked).values()):
            raise NotReadyError
        if locked.published_at is None:
            locked.published_at = timezone.now()
            locked.save(update_fields=["published_at"])
            record_audit(
                user=by, action="campaign_publish", petition=locked.petition, detail=locked.slug
            )
    campaign.published_at = locked.published_at
    return campaign


def set_hero_image(*, campaign: Campaign, upload=None, alt: str | None = None, by) -> None:
    """A new hero image and/or its description in the primary language.

    Raises campaign.campaigns.images.ImageRejected (nothing changed) for an upload that is not
    accepted. Side effects: those of ``images.replace_hero``, writes the audit log.
    """
    with transaction.atomic():
        images.replace_hero(campaign=campaign, upload=upload, alt=alt)
        record_audit(
            user=by,
            action="hero_image" if upload else "hero_alt",
            petition=Petition.objects.filter(campaign=campaign).first(),
            detail=campaign.slug,
        )


def remove_hero_image(*, campaign: Campaign, by) -> bool:
    """Take the hero image off the campaign page; False if there was none.

    Side effects: those of ``images.remove_hero``, writes the audit log.
    """
    with transaction.atomic():
        removed = images.remove_hero(campaign=campaign)
        if removed:
            record_audit(
                user=by,
                action="hero_image_remove",
                petition=Petition.objects.filter(campaign=campaign).first(),
                detail=campaign.slug,
            )
    return removed
