"""Petitions, signatures, consents and the stored counts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField


class Petition(models.Model):
    campaign = models.OneToOneField(
        "campaign.Campaign", on_delete=models.CASCADE, related_name="petition"
    )
    goal = models.PositiveIntegerField()
    is_open = models.BooleanField(default=True, help_text="Untick to pause signing.")
    created_at = models.DateTimeField(auto_now_add=True)
    closes_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(goal__gt=0), name="petition_goal_positive")
        ]

    def __str__(self) -> str:
        return self.campaign.slug

    @property
    def slug(self) -> str:
        return self.campaign.slug


class SignatureStatus(models.TextChoices):
    PENDING = "pending", "Pending confirmation"
    CONFIRMED = "confirmed", "Confirmed"


class Signature(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: signature_unique_email_per_petition starts with petition_id, and
    # one index fewer to maintain on every signature is the hot path's gain.
    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="signatures", db_index=False
    )
    name = models.CharField(max_length=200)
    email = models.CharField(max_length=254, help_text="As the signer typed it, trimmed.")
    email_key = models.CharField(
        max_length=254, help_text="Normalised address; unique per petition."
    )
    country = CountryField()
    region = models.CharField(max_length=8, blank=True, help_text="ISO 3166-2 subdivision.")
    postal_code = models.CharField(max_length=16, blank=True)
    locale = models.CharField(max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        max_length=16, choices=SignatureStatus.choices, default=SignatureStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Set when this confirmed signature has been added to SignatureCount (see counting.py).
    counted = models.BooleanField(default=False)
    updates_opt_in = models.BooleanField(default=False)
    partner = models.ForeignKey(
        "campaign.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signatures",
    )
    source = models.CharField(max_length=64, blank=True)
    ref = models.CharField(max_length=64, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "email_key"], name="signature_unique_email_per_petition"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SignatureStatus.values), name="signature_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=SignatureStatus.CONFIRMED, confirmed_at__isnull=False)
                    | Q(status=SignatureStatus.PENDING, confirmed_at__isnull=True)
                ),
                name="signature_confirmed_at_iff_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(counted=False) | Q(status=SignatureStatus.CONFIRMED),
                name="signature_counted_only_if_confirmed",
            ),
            models.CheckConstraint(
                condition=~Q(email_key=""), name="signature_email_key_not_empty"
            ),
        ]
        # No index on status: with statistics taken while few signatures were pending (a
        # 5M-row table is rarely re-analysed), the planner chose it for the confirm UPDATE
        # and scanned every pending row; the daily purge can afford a sequential scan.
        indexes = [
            # The counter's work queue: confirmed signatures not yet added to the counts.
            models.Index(
                fields=["petition"],
                name="signature_uncounted",
                condition=Q(status=SignatureStatus.CONFIRMED, counted=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class ConsentKind(models.TextChoices):
    PRIVACY = "privacy", "Petition privacy notice"
    UPDATES = "updates", "Campaign updates"
    PARTNER = "partner", "Partner updates"


class ConsentText(models.Model):
    """The exact wording of a consent as it was shown, stored once per distinct text."""

    kind = models.CharField(max_length=16, choices=ConsentKind.choices)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    text = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} [{self.language}] {self.sha256[:10]}"


class Consent(models.Model):
    # Covered by consent_unique_text (signature, text), as the petition above.
    signature = models.ForeignKey(
        Signature, on_delete=models.CASCADE, related_name="consents", db_index=False
    )
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signature", "text"], name="consent_unique_text")
        ]

    def __str__(self) -> str:
        return f"{self.text.kind} consent of signature {self.signature_id}"


class SignatureCount(models.Model):
    """Confirmed signatures of a petition per country and region, maintained by counting.py."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="counts")
    country = CountryField()
    region = models.CharField(max_length=8, blank=True)
    count = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "country", "region"], name="signature_count_unique_place"
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="signature_count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.country} {self.region}: {self.count}"
