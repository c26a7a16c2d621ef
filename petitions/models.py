"""Petitions, signatures, consents and the stored counts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campaign.campaigns.models import new_widget_key


class Petition(models.Model):
    campaign = models.OneToOneField(
        "campaign.Campaign", on_delete=models.CASCADE, related_name="petition"
    )
    goal = models.PositiveIntegerField()
    is_open = models.BooleanField(default=True, help_text="Untick to pause signing.")
    created_at = models.DateTimeField(auto_now_add=True)
    closes_at = models.DateTimeField(
        null=True, blank=True, help_text="The deadline for signatures shown on the page."
    )
    closed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When an owner closed the petition: signing stops for good (pausing can be "
        "undone, closing cannot).",
    )
    delivered_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the petition was handed over; signer data is anonymised "
        "ANONYMISE_AFTER_DAYS after both closing and delivery.",
    )
    require_pow = models.BooleanField(
        default=False,
        help_text="Kill switch: every signer's browser must solve a small proof-of-work "
        "puzzle (needs JavaScript).",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(goal__gt=0), name="petition_goal_positive")
        ]

    def __str__(self) -> str:
        return self.campaign.slug

    @property
    def slug(self) -> str:
        return self.campaign.slug

    @property
    def accepts_signatures(self) -> bool:
        """Open for signing: neither paused nor closed."""
        return self.is_open and self.closed_at is None


class Widget(models.Model):
    """A partner's embeddable sign form for one petition; its key is public but unguessable."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="widgets")
    partner = models.ForeignKey(
        "campaign.Partner", on_delete=models.CASCADE, related_name="widgets"
    )
    key = models.CharField(max_length=64, unique=True, default=new_widget_key)
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, help_text="Used when the page asks for none."
    )
    allowed_domains = ArrayField(
        models.CharField(max_length=253),
        default=list,
        blank=True,
        help_text="Host names where the widget may be embedded; *.example.org covers subdomains.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["petition", "partner", "created_at"]

    def __str__(self) -> str:
        return f"{self.partner} / {self.petition} ({self.key})"


class SignatureStatus(models.TextChoices):
    PENDING = "pending", "Pending confirmation"
    CONFIRMED = "confirmed", "Confirmed"


class HeldReason(models.TextChoices):
    """Why a signature is held out of the counts until an organizer releases it."""

    NONE = "", "Not held"
    HONEYPOT = "honeypot", _("Honeypot field filled")
    TOO_FAST = "too_fast", _("Form sent too fast")  # no longer given; kept for rows held before
    DISPOSABLE = "disposable", _("Disposable email domain")
    RATE_IP = "rate_ip", _("Too many signatures from one address")
    RATE_DOMAIN = "rate_domain", _("Too many signatures from one email domain")
    RATE_PETITION = "rate_petition", _("Petition-wide surge limit")


# The one definition of a signature that counts: confirmed by its address and not held for
# review. Every consumer (public counts, exports, delivery packages, partner counts, exports and
# webhooks, the organizer area) asks through SignatureQuerySet.counted() or, in raw SQL,
# counted_sql(); a held signature stays out of all of them until it is released.
COUNTED = Q(status=SignatureStatus.CONFIRMED, held_reason=HeldReason.NONE)


def counted_sql(alias: str = "") -> str:
    """``COUNTED`` as a SQL condition on ``petitions_signature`` (optionally aliased)."""
    prefix = f"{alias}." if alias else ""
    return f"({prefix}status = 'confirmed' AND {prefix}held_reason = '')"


class SignatureQuerySet(models.QuerySet):
    def counted(self) -> SignatureQuerySet:
        """Signatures that count: confirmed and not held (``COUNTED``)."""
        return self.filter(COUNTED)


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
    # Most signatures have no partner and no widget: their indexes are partial (Meta), so such
    # a signature adds no entry to them.
    partner = models.ForeignKey(
        "campaign.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signatures",
        db_index=False,
    )
    widget = models.ForeignKey(
        Widget,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signatures",
        db_index=False,
    )
    # The page that embedded the widget (scheme://host[:port]), and whether its host is one
    # of the widget's registered domains; null for signatures made on our own pages.
    embed_origin = models.CharField(max_length=255, blank=True, default="", db_default="")
    embed_origin_registered = models.BooleanField(null=True, blank=True)
    partner_opt_in = models.BooleanField(default=False, db_default=False)
    source = models.CharField(max_length=64, blank=True)
    ref = models.CharField(max_length=64, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    held_reason = models.CharField(
        max_length=16,
        choices=HeldReason.choices,
        blank=True,
        default="",
        db_default="",
        help_text="Suspicious signatures are held out of the counts until released.",
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "email_key"], name="signature_unique_email_per_petition"
            ),
            models.CheckConstraint(
                condition=Q(held_reason__in=HeldReason.values), name="signature_held_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(counted=False) | Q(held_reason=""),
                name="signature_counted_only_if_not_held",
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
            models.CheckConstraint(
                condition=Q(partner_opt_in=False) | Q(partner__isnull=False),
                name="signature_partner_opt_in_needs_partner",
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
                condition=Q(status=SignatureStatus.CONFIRMED, counted=False, held_reason=""),
            ),
            models.Index(
                fields=["petition", "held_reason"],
                name="signature_held",
                condition=~Q(held_reason=""),
            ),
            models.Index(
                fields=["partner", "status"],
                name="signature_partner_status",
                condition=Q(partner__isnull=False),
            ),
            models.Index(
                fields=["widget"], name="signature_widget", condition=Q(widget__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.anonymised_at is None else str(self.public_id)

    @property
    def is_counted(self) -> bool:
        """Whether the signature meets ``COUNTED`` (the ``counted`` flag follows at a flush)."""
        return self.status == SignatureStatus.CONFIRMED and self.held_reason == HeldReason.NONE


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
    # The organisation a "partner" consent was given to (its name is in the text as well, so
    # the record still reads right if the partner is deleted).
    partner = models.ForeignKey(
        "campaign.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consents",
        db_index=False,
    )
    given_at = models.DateTimeField()
    # When the signer took the consent back (the updates consent: one-click unsubscribe). The
    # record stays, so the data copy shows both when it was given and when it was withdrawn.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signature", "text"], name="consent_unique_text")
        ]
        indexes = [
            models.Index(
                fields=["partner"], name="consent_partner", condition=Q(partner__isnull=False)
            )
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


class AuditEvent(models.Model):
    """Who did what with signer data, when, and how many rows it covered (see audit.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the log still names the person after their account is deleted.
    user_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64)
    petition = models.ForeignKey(
        Petition, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    rows = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["petition", "-created_at"], name="audit_petition_created")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user_email} {self.action}"


class WebhookStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One confirmed supporter sent to a partner's webhook, and how the attempts went."""

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "campaign.Partner", on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    signature = models.ForeignKey(
        Signature, on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    url = models.URLField()
    status = models.CharField(
        max_length=16, choices=WebhookStatus.choices, default=WebhookStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "signature"], name="webhook_delivery_once_per_signature"
            ),
            models.CheckConstraint(
                condition=Q(status__in=WebhookStatus.values), name="webhook_delivery_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.partner} ({self.status})"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be built"
    BUILDING = "building", "Being built"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired and deleted"


class DeliveryPackage(models.Model):
    """A ZIP for legislators, built in the background by petitions.reporting.delivery; kept a few days."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="delivery_packages"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0–100.")
    file_path = models.CharField(
        max_length=255, blank=True, help_text="Relative to VAR_DIR/deliveries."
    )
    signatures = models.PositiveIntegerField(default=0, help_text="Signers in the package.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="delivery_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} delivery {self.pk} ({self.status})"

    @property
    def filename(self) -> str:
        return self.file_path.rsplit("/", 1)[-1]


class SuppressionReason(models.TextChoices):
    BOUNCED = "bounced", "Hard bounce"
    REJECTED = "rejected", "Rejected by the email provider"
    COMPLAINED = "complained", "Spam complaint"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class EmailSuppression(models.Model):
    """An address no mail is sent to any more, keyed by a keyed hash of its normalised form.

    Only the hash is kept, so the suppression list itself holds no readable address. The key
    is EmailHashKey's, not SECRET_KEY, so rotating SECRET_KEY keeps the list (email_health).
    A confirmation by the address after ``created_at`` lifts the suppression.
    """

    address_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=16, choices=SuppressionReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.reason} {self.address_hash[:10]}"


class EmailHashKey(models.Model):
    """The random key of the suppression list's address hashes, made once by a migration.

    Independent of SECRET_KEY, so a key rotation does not forget who bounced or complained.
    """

    purpose = models.CharField(max_length=32, unique=True)
    key = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.purpose


class SoftBounce(models.Model):
    """Soft bounces and deferrals of an address in a row: they bound the confirmation resends.

    Never suppresses; ``count`` starts again once ``last_bounced_at`` is older than
    SOFT_BOUNCE_WINDOW, and such stale rows are deleted as new bounces arrive (email_health).
    """

    address_hash = models.CharField(max_length=64, unique=True)
    count = models.PositiveSmallIntegerField(default=0)
    last_bounced_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.count} soft bounces {self.address_hash[:10]}"


class RateCounter(models.Model):
    """A fixed-window counter for rate limits when no shared cache (Redis) is configured.

    Incremented with one INSERT … ON CONFLICT DO UPDATE, so concurrent requests never
    slip past a limit; purge_expired deletes windows that have ended.
    """

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class IpHashKey(models.Model):
    """The random key of one UTC day's IP hashes, shared by every process and host.

    Made on first use that day (petitions/abuse/ip_hashing.py) and deleted by purge_expired once the
    day is over, so no hash of an earlier day can be recomputed, not even by us.
    """

    day = models.DateField(primary_key=True)
    key = models.BinaryField()

    def __str__(self) -> str:
        return self.day.isoformat()


class MailingStatus(models.TextChoices):
    DRAFT = "draft", "Test sent, not confirmed"
    PLANNING = "planning", "Choosing the recipients"
    SENDING = "sending", "Sending"
    DONE = "done", "Done"


class Mailing(models.Model):
    """One campaign update emailed to the signers who opted in (petitions/mailings/).

    At most one per update, so a double click never sends it twice: the row is made by the
    first test send (a draft) and confirmed once, by a conditional UPDATE.
    """

    update = models.OneToOneField(
        "campaign.CampaignUpdate", on_delete=models.CASCADE, related_name="mailing"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    test_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=MailingStatus.choices, default=MailingStatus.DRAFT
    )
    # Kept up to date batch by batch (recounted from the rows at the end), so the progress
    # page reads one row; they survive the deletion of a withdrawn signer's recipient row.
    recipients = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    unknown = models.PositiveIntegerField(
        default=0, help_text="Handed to a transport without idempotency when the worker died."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MailingStatus.values), name="mailing_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=MailingStatus.DRAFT) | Q(confirmed_at__isnull=False),
                name="mailing_confirmed_unless_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"mailing {self.pk} of {self.update_id} ({self.status})"

    @property
    def done(self) -> int:
        """Recipients whose outcome is settled (sent, skipped, failed or unknown)."""
        return self.sent + self.skipped + self.failed + self.unknown

    @property
    def percent(self) -> int:
        return 100 if not self.recipients else min(100, self.done * 100 // self.recipients)


class RecipientState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Handed to the transport, outcome not yet recorded"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (unsubscribed, withdrawn or suppressed)"
    FAILED = "failed", "Failed"
    UNKNOWN = "unknown", "Outcome unknown after a crash; not resent"


class MailingRecipient(models.Model):
    """One signer of a mailing; its batch is fixed when the mailing is planned.

    Deleted with the signature (withdrawal). Holds no address: the signature has it.
    """

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="+")
    signature = models.ForeignKey(
        Signature, on_delete=models.CASCADE, related_name="mailings", db_index=False
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    batch = models.PositiveIntegerField()
    state = models.CharField(
        max_length=8, choices=RecipientState.choices, default=RecipientState.PENDING
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailing", "signature"], name="mailing_recipient_once"),
            models.CheckConstraint(
                condition=Q(state__in=RecipientState.values), name="mailing_recipient_state_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["mailing", "batch", "state"], name="mailing_recipient_batch"),
            # The data copy's "updates emailed to you" and withdrawal find a signer's rows.
            models.Index(fields=["signature"], name="mailing_recipient_signature"),
        ]

    def __str__(self) -> str:
        return f"{self.mailing_id}/{self.batch} {self.signature_id} {self.state}"
