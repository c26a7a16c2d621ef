from django.contrib import admin

from petitions.models import Consent, DeliveryPackage, Petition, Signature, SignatureCount


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ["campaign", "goal", "is_open", "closes_at"]


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["text", "given_at"]
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
