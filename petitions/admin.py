from django.contrib import admin, messages
from django.db import transaction

from petitions.counting import flush_counts
from petitions.models import (
    AuditEvent,
    Consent,
    DeliveryPackage,
    EmailSuppression,
    HeldReason,
    Petition,
    Signature,
    SignatureCount,
    WebhookDelivery,
    Widget,
)


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ["campaign", "goal", "is_open", "require_pow", "closes_at", "delivered_at"]
    list_editable = ["is_open", "require_pow"]


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["text", "partner", "given_at"]
    can_delete = False


class HeldFilter(admin.SimpleListFilter):
    title = "held for review"
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("yes", "Held"), ("no", "Not held")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(held_reason=HeldReason.NONE)
        if self.value() == "no":
            return queryset.filter(held_reason=HeldReason.NONE)
        return queryset


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "petition",
        "country",
        "region",
        "status",
        "held_reason",
        "created_at",
    ]
    list_filter = ["status", HeldFilter, "held_reason", "petition", "country", "region"]
    search_fields = ["email", "email_key", "name"]
    readonly_fields = [
        "public_id",
        "email_key",
        "created_at",
        "confirmed_at",
        "counted",
        "ip_hash",
        "held_reason",
        "anonymised_at",
    ]
    list_select_related = ["petition__campaign"]
    inlines = [ConsentInline]
    show_full_result_count = False
    actions = ["release_held", "delete_held"]

    @admin.action(description="Release selected held signatures (they count once confirmed)")
    def release_held(self, request, queryset):
        with transaction.atomic():
            held = queryset.exclude(held_reason=HeldReason.NONE)
            petition_ids = set(held.values_list("petition_id", flat=True))
            released = held.update(held_reason=HeldReason.NONE)
        for petition_id in petition_ids:
            flush_counts(petition_id=petition_id, wait=True)
        self.message_user(request, f"Released {released} signature(s).", messages.SUCCESS)

    @admin.action(description="Delete selected held signatures")
    def delete_held(self, request, queryset):
        # Held signatures are never counted, so deleting them leaves the counts as they are.
        deleted = 0
        for signature in queryset.exclude(held_reason=HeldReason.NONE):
            signature.delete()
            deleted += 1
        self.message_user(request, f"Deleted {deleted} held signature(s).", messages.SUCCESS)


@admin.register(SignatureCount)
class SignatureCountAdmin(admin.ModelAdmin):
    list_display = ["petition", "country", "region", "count", "updated_at"]
    list_filter = ["petition"]
    readonly_fields = ["petition", "country", "region", "count", "updated_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, so nobody edits or deletes it here."""

    list_display = ["created_at", "user_email", "action", "petition", "rows", "detail"]
    list_filter = ["action", "petition"]
    search_fields = ["user_email", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Widget)
class WidgetAdmin(admin.ModelAdmin):
    list_display = ["key", "partner", "petition", "language", "created_at"]
    list_filter = ["petition"]
    search_fields = ["key", "partner__name"]
    list_select_related = ["partner", "petition__campaign"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event_id", "partner", "status", "attempts", "last_status_code", "created_at"]
    list_filter = ["status", "partner"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]


@admin.register(DeliveryPackage)
class DeliveryPackageAdmin(admin.ModelAdmin):
    list_display = ["petition", "status", "progress", "signatures", "created_at", "expires_at"]
    list_filter = ["status", "petition"]
    readonly_fields = [
        "petition",
        "requested_by",
        "status",
        "progress",
        "file_path",
        "signatures",
        "error",
        "created_at",
        "finished_at",
        "expires_at",
    ]


@admin.register(EmailSuppression)
class EmailSuppressionAdmin(admin.ModelAdmin):
    list_display = ["address_hash", "reason", "created_at"]
    list_filter = ["reason"]
    readonly_fields = ["address_hash", "reason", "created_at"]
