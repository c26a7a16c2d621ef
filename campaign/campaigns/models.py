"""Campaigns, their translated content and the coalition partners behind them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionKind(models.TextChoices):
    COUNTRY = "country", "Country"
    BR_STATE = "br_state", "Brazilian state"


class Campaign(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    hashtag = models.CharField(max_length=64)
    primary_language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    region_kind = models.CharField(max_length=16, choices=RegionKind.choices)
    is_listed = models.BooleanField(default=True, help_text="Shown on the campaign list.")
    target_languages = ArrayField(
        models.CharField(max_length=8, choices=settings.LANGUAGES),
        default=list,
        blank=True,
        help_text="Languages the campaign should be offered in; missing ones show in the admin.",
    )
    publish_unreviewed = models.BooleanField(
        default=False,
        help_text=(
            "Offer translations no native speaker has reviewed yet, with a notice on the page. "
            "Otherwise only the primary language and reviewed translations are offered."
        ),
    )
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
    needs_review = models.BooleanField(
        default=True, help_text="Not yet approved by a native speaker."
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="Hash of the primary-language text this translation was written from.",
    )
    seeded_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="Hash of the texts as last seeded from campaign/content; while the row still "
        "matches it, no organizer has edited it and reseeding may update it.",
    )

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


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ORGANIZER = "organizer", _("Organizer")
    VIEWER = "viewer", _("Viewer")


class CampaignMembership(models.Model):
    """A person's role in one campaign: owner ⊇ organizer ⊇ viewer (see campaign/campaigns/access.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "campaign"], name="membership_unique_user"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} of {self.campaign.slug}"


def new_invitation_key() -> str:
    return secrets.token_urlsafe(24)


class InvitationKind(models.TextChoices):
    MEMBER = "member", _("Member")
    PARTNER = "partner", _("Partner")


class Invitation(models.Model):
    """An owner's invitation to join a campaign, as a member with a role or as a member of one
    of its partner organisations; the emailed link carries the signed key."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(
        max_length=16, choices=InvitationKind.choices, default=InvitationKind.MEMBER
    )
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    key = models.CharField(max_length=64, unique=True, default=new_invitation_key)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="member", role__in=Role.values, partner__isnull=True))
                | Q(kind="partner", role="", partner__isnull=False),
                name="invitation_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.role or self.kind} of {self.campaign.slug}"


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
