from django.contrib import admin

from petitions.models import (
    AuditEvent,
    Consent,
    DeliveryPackage,
    Petition,
    Signature,
    SignatureCount,
    WebhookDelivery,
    Widget,
)


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ["campaign", "goal", "is_open", "closes_at"]


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["text", "partner", "given_at"]
    can_delete = False


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "petition", "country", "region", "status", "created_at"]
    list_filter = ["status", "petition", "country"]
    search_fields = ["email", "email_key", "name"]
    readonly_fields = ["public_id", "email_key", "created_at", "confirmed_at", "counted", "ip_hash"]
    list_select_related = ["petition__campaign"]
    inlines = [ConsentInline]
    show_full_result_count = False


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
