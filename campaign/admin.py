from django.contrib import admin

from campaign.models import Campaign, CampaignTranslation, Partner, PartnerMembership


class CampaignTranslationInline(admin.StackedInline):
    model = CampaignTranslation
    extra = 0


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0
    fields = ["name", "website", "contact_email", "is_listed", "position", "webhook_url"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["hashtag", "slug", "primary_language", "region_kind", "is_listed"]
    prepopulated_fields = {"slug": ["hashtag"]}
    inlines = [CampaignTranslationInline, PartnerInline]


@admin.register(CampaignTranslation)
class CampaignTranslationAdmin(admin.ModelAdmin):
    list_display = ["campaign", "language", "title", "updated_at"]
    list_filter = ["campaign", "language"]


class PartnerMembershipInline(admin.TabularInline):
    model = PartnerMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "website", "is_listed"]
    list_filter = ["campaign"]
    search_fields = ["name"]
    inlines = [PartnerMembershipInline]
