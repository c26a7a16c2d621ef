"""Campaigns, their translated content and the coalition partners behind them."""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign.campaigns.colours import (
    DEFAULT_ACCENT,
    normalise_hex_colour,
    validate_accent_colour,
)
from campaign.core.markup import normalise_newlines, plain_paragraphs, split_paragraphs


class TextFormField(forms.CharField):
    """A form field for organizer-written text: line endings become ``\n`` before comparing
    or cleaning, so a browser's ``\r\n`` neither counts as a change nor reaches the row."""

    def to_python(self, value):
        return super().to_python(normalise_newlines(value))


class ParagraphTextField(models.TextField):
    """Organizer-written text whose paragraphs are separated by blank lines.

    The one place every write goes through: each save stores ``\n`` line endings whatever the
    browser, the admin or a script sent, and every form made from the model (the admin, the
    translation workspace) uses TextFormField.
    """

    def pre_save(self, model_instance, add):
        value = normalise_newlines(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": TextFormField, **kwargs})


class AccentColourFormField(forms.CharField):
    """Takes ``#RGB``, ``rrggbb`` and upper case too, and stores lower-case ``#rrggbb``."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_hex_colour(value) or value


class AccentColourField(models.CharField):
    """A campaign's ``#rrggbb`` colour, readable as text and under white text (WCAG 2.2 AA)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)
        if validate_accent_colour not in self.validators:
            self.validators.append(validate_accent_colour)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": AccentColourFormField, **kwargs})


class RegionKind(models.TextChoices):
    """Where signers say they are from (see campaign/campaigns/regions.py)."""

    NONE = "none", _("No place: name and email only")
    COUNTRY = "country", _("Country")
    SUBDIVISION = "subdivision", _("Region of one country")


class CampaignQuerySet(models.QuerySet):
    def complete(self) -> CampaignQuerySet:
        """Campaigns whose page can be shown: with a petition and primary-language content."""
        primary_content = CampaignTranslation.objects.filter(
            campaign=models.OuterRef("pk"), language=models.OuterRef("primary_language")
        )
        return self.filter(models.Exists(primary_content), petition__isnull=False)

    def public(self) -> CampaignQuerySet:
        """Campaigns the public may see: complete and published.

        A draft, or a campaign that lost its petition or primary text, is in no list and its
        pages answer 404.
        """
        return self.complete().filter(published_at__isnull=False)


class Campaign(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    hashtag = models.CharField(max_length=64)
    primary_language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    region_kind = models.CharField(max_length=16, choices=RegionKind.choices)
    region_country = models.CharField(
        max_length=2,
        blank=True,
        default="",
        help_text="For regions: the country (ISO 3166-1 alpha-2) whose regions signers choose.",
    )
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
    accent_color = AccentColourField(
        default=DEFAULT_ACCENT,
        help_text="The campaign's colour, #rrggbb: buttons, the count's bar, the map. It must "
        "reach a contrast of 4.5:1 with white (WCAG 2.2 AA).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the owner published it; until then nothing of it is public.",
    )
    hero_image = models.ForeignKey(
        "StoredImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The photo at the top of the campaign page (campaign/campaigns/images.py).",
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region_kind__in=RegionKind.values), name="campaign_region_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(accent_color__regex=r"^#[0-9a-f]{6}$"),
                name="campaign_accent_color_hex",
            ),
            models.CheckConstraint(
                condition=(
                    Q(region_kind="subdivision", region_country__regex=r"^[A-Z]{2}$")
                    | (~Q(region_kind="subdivision") & Q(region_country=""))
                ),
                name="campaign_region_country_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.hashtag

    @property
    def asks_country(self) -> bool:
        """Whether signers choose a country (every kind but "none")."""
        return self.region_kind != RegionKind.NONE

    @property
    def subdivision_country(self) -> str:
        """The country whose regions signers choose, or "" when they choose none."""
        return self.region_country if self.region_kind == RegionKind.SUBDIVISION else ""


class CampaignTranslation(models.Model):
    """The organizer-written content of a campaign in one language."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(max_length=160)
    lead = ParagraphTextField(help_text="One or two sentences under the title.")
    ask = ParagraphTextField(help_text="What exactly is demanded, and of whom.")
    addressee = models.CharField(max_length=200)
    why = ParagraphTextField(help_text="The facts, one paragraph per blank-line-separated block.")
    petition_text = ParagraphTextField()
    share_text = models.CharField(max_length=280)
    coalition_intro = models.CharField(max_length=300, blank=True)
    hero_alt = models.CharField(
        max_length=250,
        blank=True,
        default="",
        help_text="What the hero image shows, for people who cannot see it.",
    )
    # The campaign site's sections (formats in campaign/campaigns/sections.py); empty: not shown.
    sources = ParagraphTextField(
        blank=True,
        default="",
        help_text="Numbered sources, one per line: title | publisher | date | address. "
        "Texts cite them as [1], [2], …",
    )
    faq = ParagraphTextField(
        blank=True, default="", help_text='Questions: a line "### question", then the answer.'
    )
    myths = ParagraphTextField(
        blank=True, default="", help_text='Myths: a line "### myth", then the facts.'
    )
    timeline = ParagraphTextField(
        blank=True,
        default="",
        help_text="Milestones, one per paragraph: YYYY, YYYY-MM or YYYY-MM-DD | what happened.",
    )
    resources = ParagraphTextField(
        blank=True,
        default="",
        help_text='Resources and toolkit: a line "### title", then what it is and its link.',
    )
    contact = ParagraphTextField(
        blank=True,
        default="",
        help_text='Contact, press and imprint: a line "### heading", then the text.',
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
    source_field_hashes = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per field, the hash of the primary-language field it was written from.",
    )
    is_published = models.BooleanField(
        default=True,
        help_text="The owners' decision to offer this language on the public pages (once "
        "reviewed, or with the campaign's publish_unreviewed). The primary language always is.",
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
        return split_paragraphs(self.why)

    @property
    def petition_paragraphs(self) -> list[str]:
        """The petition text as plain paragraphs, for the delivery letters (PDF)."""
        return plain_paragraphs(self.petition_text)


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
    logo = models.ForeignKey(
        "StoredImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The logo in the coalition list, stored and served by the site itself.",
    )
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


class CampaignUpdate(models.Model):
    """News from a campaign, written in its primary language and translated like its page.

    A draft until ``published_at`` is set; published updates show on the campaign page, its
    updates page and its Atom feeds, and may be emailed to signers who opted in.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="updates")
    slug = models.SlugField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="campaign_update_unique_slug")
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug}/{self.slug}"


class CampaignUpdateTranslation(models.Model):
    """An update's title and text in one language; reviewed like a campaign translation."""

    update = models.ForeignKey(
        CampaignUpdate, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(max_length=200)
    body = ParagraphTextField()
    needs_review = models.BooleanField(default=True)
    source_field_hashes = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per field, the hash of the primary-language field it was written from.",
    )
    seeded_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["update", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["update", "language"], name="campaign_update_translation_unique_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.update} [{self.language}]"


class ImageKind(models.TextChoices):
    HERO = "hero", "Hero image"
    LOGO = "logo", "Partner logo"


class StoredImage(models.Model):
    """An uploaded image after processing: its variants hold the bytes that are served.

    The original upload is not kept (it may carry metadata such as a location).
    """

    kind = models.CharField(max_length=8, choices=ImageKind.choices)
    width = models.PositiveIntegerField(help_text="Of the largest variant.")
    height = models.PositiveIntegerField(help_text="Of the largest variant.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ImageKind.values), name="stored_image_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.width}×{self.height} #{self.pk}"


class ImageVariant(models.Model):
    """One size in one format of a stored image, served at /img/<digest>.<extension>.

    Kept in the database so every web process on every host serves it without a shared
    folder (see campaign/campaigns/images.py); the digest (of the bytes) names the URL, so a
    browser or CDN may keep it forever.
    """

    image = models.ForeignKey(StoredImage, on_delete=models.CASCADE, related_name="variants")
    format = models.CharField(max_length=8)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    digest = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["image", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "format", "width"], name="image_variant_unique_size"
            ),
            models.CheckConstraint(
                condition=Q(format__in=["avif", "webp", "jpeg", "png"]),
                name="image_variant_format_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.digest[:12]}.{self.format} {self.width}w"
