from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaign.campaigns import images
from campaign.campaigns.models import (
    Campaign,
    CampaignMembership,
    CampaignTranslation,
    ImageKind,
    Invitation,
    Partner,
    PartnerMembership,
)
from campaign.campaigns.regions import (
    clean_region_kind,
    region_country_choices,
    region_kind_choices,
)
from campaign.campaigns.translations import (
    SOURCE_FIELDS,
    approve_translations,
    current_source_hash,
    language_statuses,
    mark_written_from,
    primary_translation,
)


def status_words(status) -> list[str]:
    """The problems of one language as words, so nothing is told by colour alone."""
    if status.is_primary:
        return [str(_("source"))]
    words = []
    if status.missing:
        words.append(str(_("missing")))
    if status.outdated:
        words.append(str(_("outdated")))
    if status.unreviewed:
        words.append(str(_("needs review")))
    return words or [str(_("ok"))]


# Written by the review and the translation workspace, never typed in.
REVIEW_FIELDS = ["needs_review", "reviewed_at", "reviewed_by", "source_hash", "source_field_hashes"]


class CampaignTranslationInline(admin.StackedInline):
    model = CampaignTranslation
    extra = 0
    readonly_fields = REVIEW_FIELDS


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0
    fields = ["name", "website", "contact_email", "is_listed", "position", "webhook_url"]


class ImageUploadForm(forms.ModelForm):
    """An image upload beside the model's fields, processed in ``clean`` (so a refused file
    is a form error) and stored by the admin's ``save_model`` (campaign/campaigns/images.py)."""

    image_kind = ImageKind.HERO

    upload = forms.FileField(
        label=_("New image"),
        required=False,
        help_text=_("JPEG, PNG, WebP or AVIF; SVG is not accepted."),
    )
    remove = forms.BooleanField(label=_("Remove the image"), required=False)

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        self.variants = None
        if upload:
            try:
                self.variants = images.process_upload(upload=upload, kind=self.image_kind)
            except images.ImageRejected as rejected:
                raise forms.ValidationError(rejected.message) from None
        return upload


class CampaignAdminForm(ImageUploadForm):
    """The region kind and its country, offered and checked as the organizer form does; the
    hero image, as the organizer workspace takes it."""

    region_kind = forms.ChoiceField(choices=region_kind_choices)
    region_country = forms.ChoiceField(
        choices=lambda: [("", "–"), *region_country_choices()], required=False
    )

    class Meta:
        model = Campaign
        fields = "__all__"  # noqa: DJ007 -- the admin lists the fields itself

    def clean(self):
        data = super().clean()
        if "region_kind" in data:
            data["region_kind"], data["region_country"] = clean_region_kind(
                region_kind=data["region_kind"], region_country=data.get("region_country", "")
            )
        return data


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignAdminForm
    list_display = [
        "hashtag",
        "slug",
        "primary_language",
        "region_kind",
        "region_country",
        "is_listed",
        "publish_unreviewed",
        "translation_summary",
    ]
    prepopulated_fields = {"slug": ["hashtag"]}
    readonly_fields = ["translation_status"]
    exclude = ["hero_image"]  # replaced by the form's upload
    inlines = [CampaignTranslationInline, PartnerInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        save_image_upload(obj, form, replace=images.replace_hero, remove=images.remove_hero)

    @admin.display(description=_("Translations"))
    def translation_summary(self, campaign: Campaign) -> str:
        """Per problem, the languages that have it: missing, outdated, unreviewed."""
        statuses = language_statuses(campaign)
        groups = [
            (_("Missing"), [s.language for s in statuses if s.missing]),
            (_("Outdated"), [s.language for s in statuses if s.outdated]),
            (_("Needs review"), [s.language for s in statuses if s.unreviewed]),
        ]
        parts = [(label, ", ".join(codes)) for label, codes in groups if codes]
        if not parts:
            return _("All %(count)d languages up to date and reviewed") % {"count": len(statuses)}
        return format_html_join(" · ", "<strong>{}:</strong> {}", parts)

    @admin.display(description=_("Translation status"))
    def translation_status(self, campaign: Campaign) -> str:
        if campaign.pk is None:
            return "–"
        rows = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td></tr>',
            ((s.language, ", ".join(status_words(s))) for s in language_statuses(campaign)),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>{}</th><th scope='col'>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Language"),
            _("Status"),
            rows,
        )


class ReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("needed", _("Needs review")), ("done", _("Reviewed"))]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.filter(needs_review=True)
        if self.value() == "done":
            return queryset.filter(needs_review=False)
        return queryset


@admin.register(CampaignTranslation)
class CampaignTranslationAdmin(admin.ModelAdmin):
    list_display = [
        "campaign",
        "language",
        "title",
        "needs_review",
        "is_outdated",
        "reviewed_at",
        "reviewed_by",
        "updated_at",
    ]
    list_filter = ["campaign", "language", ReviewFilter]
    list_select_related = ["campaign", "reviewed_by"]
    readonly_fields = REVIEW_FIELDS
    actions = ["approve"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("campaign__translations")

    @admin.display(boolean=True, description=_("outdated"))
    def is_outdated(self, translation: CampaignTranslation) -> bool | None:
        campaign = translation.campaign
        if translation.language == campaign.primary_language:
            return None
        return translation.source_hash != current_source_hash(campaign)

    @admin.action(description=_("Approve selected translations (native review done)"))
    def approve(self, request, queryset):
        count = approve_translations(queryset, user=request.user)
        self.message_user(
            request,
            ngettext("%(count)d translation approved.", "%(count)d translations approved.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        """An edited translation was written from the primary text as it is now."""
        edited = [name for name in SOURCE_FIELDS if name in form.changed_data or not change]
        if edited and obj.language != obj.campaign.primary_language:
            obj.source_hash = current_source_hash(obj.campaign)
            mark_written_from(obj, primary_translation(obj.campaign), edited)
        super().save_model(request, obj, form, change)


class PartnerMembershipInline(admin.TabularInline):
    model = PartnerMembership
    extra = 0
    raw_id_fields = ["user"]


def save_image_upload(obj, form, *, replace, remove) -> None:
    """Store the image an ImageUploadForm processed, or remove the current one."""
    target = {"campaign": obj} if isinstance(obj, Campaign) else {"partner": obj}
    if form.variants:
        replace(**target, variants=form.variants)
    elif form.cleaned_data.get("remove"):
        remove(**target)


class PartnerAdminForm(ImageUploadForm):
    image_kind = ImageKind.LOGO

    class Meta:
        model = Partner
        fields = "__all__"  # noqa: DJ007 -- the admin lists the fields itself


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerAdminForm
    exclude = ["logo"]  # replaced by the form's upload
    list_display = ["name", "campaign", "website", "is_listed"]
    list_filter = ["campaign"]
    search_fields = ["name"]
    inlines = [PartnerMembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        save_image_upload(obj, form, replace=images.replace_logo, remove=images.remove_logo)


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
