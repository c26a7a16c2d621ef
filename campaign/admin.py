from django.contrib import admin

from campaign.models import (
    Campaign,
    CampaignMembership,
    CampaignTranslation,
    Invitation,
    Partner,
)


class CampaignTranslationInline(admin.StackedInline):
    model = CampaignTranslation
    extra = 0


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0
    fields = ["name", "website", "is_listed", "position", "widget_key", "allowed_domains"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["hashtag", "slug", "primary_language", "region_kind", "is_listed"]
    prepopulated_fields = {"slug": ["hashtag"]}
    inlines = [CampaignTranslationInline, PartnerInline]


@admin.register(CampaignTranslation)
class CampaignTranslationAdmin(admin.ModelAdmin):
    list_display = ["campaign", "language", "title", "updated_at"]
    list_filter = ["campaign", "language"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "website", "is_listed"]
    list_filter = ["campaign"]
    search_fields = ["name"]


@admin.register(CampaignMembership)
class CampaignMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "campaign", "role", "created_at"]
    list_filter = ["campaign", "role"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "campaign", "role", "created_at", "accepted_at"]
    list_filter = ["campaign", "role"]
    readonly_fields = ["key", "invited_by", "accepted_at", "accepted_by"]
