from django.contrib import admin, messages

from petitions.abuse import review
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
from petitions.reporting.access_log import record_audit, record_audit_per_petition


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


def list_filters(request) -> str:
    """The list's filters for the audit log; a search term may be an address, so not kept."""
    params = request.GET.copy()
    if params.pop("q", None):
        params["q"] = "(search)"
    return params.urlencode()[:300]


class ViewOnlyAdmin(admin.ModelAdmin):
    """Rows that nobody adds, edits or deletes in the admin: they can only be looked at."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Signature)
class SignatureAdmin(ViewOnlyAdmin):
    """Signer data is read-only here, and every look at a signature is audited.

    Operators review held signatures: *Release* goes through ``review.release_signatures``
    (webhook and counts as at confirmation), *Delete* only deletes held ones. Nothing else
    changes a signature here: no add, no edit (a save would also write ``counted`` back as it
    was read, racing the flush), no delete of counted signatures (that would leave the counts
    wrong; signers withdraw through their own link).
    """

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
        field.name for field in Signature._meta.concrete_fields if field.name != "id"
    ]
    list_select_related = ["petition__campaign"]
    inlines = [ConsentInline]
    show_full_result_count = False
    actions = ["release_held", "delete_held"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        signature = getattr(response, "context_data", {}).get("original")
        if response.status_code == 200 and signature is not None:
            record_audit(
                user=request.user,
                action="admin.view_signature",
                petition=signature.petition,
                rows=1,
                detail=f"signature {signature.public_id}",
            )
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and request.method == "GET":
            record_audit_per_petition(
                user=request.user,
                action="admin.list_signatures",
                signatures=changelist.result_list,
                detail=list_filters(request),
            )
        return response

    @admin.action(description="Release selected held signatures (they count once confirmed)")
    def release_held(self, request, queryset):
        released = review.release_signatures(signature_ids=queryset.values_list("pk", flat=True))
        record_audit_per_petition(
            user=request.user, action="admin.release_held", signatures=released
        )
        self.message_user(request, f"Released {len(released)} signature(s).", messages.SUCCESS)

    @admin.action(description="Delete selected held signatures")
    def delete_held(self, request, queryset):
        deleted = review.delete_held_signatures(signature_ids=queryset.values_list("pk", flat=True))
        record_audit_per_petition(user=request.user, action="admin.delete_held", signatures=deleted)
        self.message_user(request, f"Deleted {len(deleted)} held signature(s).", messages.SUCCESS)


@admin.register(SignatureCount)
class SignatureCountAdmin(admin.ModelAdmin):
    list_display = ["petition", "country", "region", "count", "updated_at"]
    list_filter = ["petition"]
    readonly_fields = ["petition", "country", "region", "count", "updated_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyAdmin):
    """Read-only: the log is evidence, so nobody edits or deletes it here."""

    list_display = ["created_at", "user_email", "action", "petition", "rows", "detail"]
    list_filter = ["action", "petition"]
    search_fields = ["user_email", "detail"]


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
