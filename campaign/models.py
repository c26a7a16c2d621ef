"""Campaigns, their translated content and the coalition partners behind them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


class RegionKind(models.TextChoices):
    COUNTRY = "country", "Country"
    BR_STATE = "br_state", "Brazilian state"


class Campaign(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    hashtag = models.CharField(max_length=64)
    primary_language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    region_kind = models.CharField(max_length=16, choices=RegionKind.choices)
    is_listed = models.BooleanField(default=True, help_text="Shown on the campaign list.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region_kind__in=RegionKind.values), name="campaign_region_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.hashtag


class CampaignTranslation(models.Model):
    """The organizer-written content of a campaign in one language."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(max_length=160)
    lead = models.TextField(help_text="One or two sentences under the title.")
    ask = models.TextField(help_text="What exactly is demanded, and of whom.")
    addressee = models.CharField(max_length=200)
    why = models.TextField(help_text="The facts, one paragraph per blank-line-separated block.")
    petition_text = models.TextField()
    share_text = models.CharField(max_length=280)
    coalition_intro = models.CharField(max_length=300, blank=True)
    privacy_notice = models.TextField(
        help_text="The petition's privacy notice. {contact_email} is replaced by the contact address."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "language"], name="campaign_translation_unique_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} [{self.language}]"

    @property
    def why_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.why.split("\n\n") if p.strip()]

    @property
    def petition_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.petition_text.split("\n\n") if p.strip()]

    @property
    def privacy_paragraphs(self) -> list[str]:
        text = self.privacy_notice.replace("{contact_email}", settings.CONTACT_EMAIL)
        return [p.strip() for p in text.split("\n\n") if p.strip()]


def new_widget_key() -> str:
    return secrets.token_urlsafe(18)


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class Partner(models.Model):
    """A coalition organisation behind a campaign; it embeds the petition through its widgets."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    logo_url = models.URLField(blank=True, help_text="Optional; shown only in the partner area.")
    contact_email = models.EmailField(blank=True)
    is_listed = models.BooleanField(default=True, help_text="Shown in the coalition list.")
    position = models.PositiveIntegerField(default=0)
    webhook_url = models.URLField(
        blank=True, help_text="Optional: receives each confirmed supporter who opted in."
    )
    webhook_secret = models.CharField(
        max_length=64,
        default=new_webhook_secret,
        help_text="Key of the HMAC-SHA256 signature in the X-Signature header.",
    )

    class Meta:
        ordering = ["campaign", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="partner_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PartnerMembership(models.Model):
    """A person who may see a partner's dashboard, export and webhook log."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_memberships"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "partner"], name="partner_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.partner}"
