"""The translation workspace: each language beside the primary text, its review state, the
fields whose source changed since they were translated, and the owners' publish decision.

Organizers and owners edit and review; owners decide which languages are published. Every
change goes through campaign/campaigns/translations.py and is written to the audit log.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from campaign.campaigns.access import role_satisfies
from campaign.campaigns.content import LANGUAGE_NAMES
from campaign.campaigns.models import CampaignTranslation, Role
from campaign.campaigns.translations import (
    SOURCE_FIELDS,
    add_target_language,
    approve_translations,
    outdated_fields,
    save_translation,
    set_published,
    workspace_languages,
)
from campaign.organize.campaigns import campaign_title, private_view, tabs
from campaign.organize.section_fields import (
    FORMATTED_SECTIONS,
    SECTION_HELP,
    SECTION_LABELS,
    check_sections,
)
from campaign.web.access import require_role
from petitions.reporting.access_log import record_audit

FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "lead": gettext_lazy("Under the title"),
    "ask": gettext_lazy("What we ask"),
    "addressee": gettext_lazy("Addressed to:"),
    "why": gettext_lazy("Why it matters"),
    "petition_text": gettext_lazy("The petition"),
    "share_text": gettext_lazy("Share text"),
    "coalition_intro": gettext_lazy("The coalition"),
    **SECTION_LABELS,
    "hero_alt": gettext_lazy("Description of the hero image"),
}
# Fields rendered through the campaign_text filter, so they may use the formatting subset.
FORMATTED_FIELDS = {"ask", "why", "petition_text", "coalition_intro", *FORMATTED_SECTIONS}


class TranslationForm(forms.ModelForm):
    """The text fields of one language; the model's fields normalise line endings, and the
    sections' formats are checked (campaign/campaigns/sections.py)."""

    class Meta:
        model = CampaignTranslation
        fields = SOURCE_FIELDS
        labels = FIELD_LABELS
        help_texts = SECTION_HELP  # shown beside the field by the template, in its place

    def clean(self):
        cleaned = super().clean()
        check_sections(self)
        return cleaned


class AddLanguageForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = choices


def petition_of(campaign):
    return getattr(campaign, "petition", None)


def audit(request: HttpRequest, action: str, language: str, detail: str = "") -> None:
    campaign = request.campaign
    record_audit(
        user=request.user,
        action=action,
        petition=petition_of(campaign),
        detail=f"{campaign.slug} {language}{': ' + detail if detail else ''}",
    )


def workspace_context(request: HttpRequest, **extra) -> dict:
    campaign = request.campaign
    return {
        "campaign": campaign,
        "title": campaign_title(campaign),
        "role": request.campaign_role,
        "tabs": tabs(campaign, request.campaign_role, "translations"),
        "translations_tab": True,
        "is_owner": role_satisfies(request.campaign_role, Role.OWNER),
        **extra,
    }


def missing_languages(campaign, languages) -> list[tuple[str, str]]:
    return [(row.language, LANGUAGE_NAMES[row.language]) for row in languages if row.missing]


def new_languages(campaign, languages) -> list[tuple[str, str]]:
    """The site's languages the campaign does not have yet (an owner may add one)."""
    known = {row.language for row in languages}
    return [(code, name) for code, name in LANGUAGE_NAMES.items() if code not in known]


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
@require_role(Role.ORGANIZER)
def translations(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's languages with their state; POST picks a missing one to translate."""
    campaign = request.campaign
    languages = workspace_languages(campaign)
    # The missing target languages first; once none is missing, an owner may add a new one.
    choices = missing_languages(campaign, languages)
    if not choices and role_satisfies(request.campaign_role, Role.OWNER):
        choices = new_languages(campaign, languages)
    form = AddLanguageForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        if add_target_language(campaign=campaign, language=language):
            audit(request, "translation_add", language)
        return redirect("organize:translation", slug=slug, language=language)
    context = workspace_context(
        request,
        languages=[{"row": row, "name": LANGUAGE_NAMES[row.language]} for row in languages],
        add_form=form if form.fields["language"].choices else None,
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "organize/translations.html", context, status=status)


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
@require_role(Role.ORGANIZER)
def translation(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    """One language beside the primary text; POST saves it (a new language starts unpublished)."""
    campaign = request.campaign
    if language not in LANGUAGE_NAMES or not (
        language in campaign.target_languages
        or language == campaign.primary_language
        or campaign.translations.filter(language=language).exists()
    ):
        raise Http404
    rows = {t.language: t for t in campaign.translations.all()}
    primary = rows.get(campaign.primary_language)
    row = rows.get(language)
    form = TranslationForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        saved, changed = save_translation(
            campaign=campaign,
            language=language,
            values={name: form.cleaned_data[name] for name in SOURCE_FIELDS},
        )
        if changed:
            audit(request, "translation_edit", language, ", ".join(changed))
            messages.success(request, _("The translation was saved; it needs review again."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("organize:translation", slug=slug, language=language)
    outdated = set(outdated_fields(row, primary)) if row is not None else set()
    is_primary = language == campaign.primary_language
    for name in SOURCE_FIELDS:
        described_by = [
            *([] if is_primary else [f"source-{name}"]),
            *([f"flag-{name}"] if name in outdated else []),
            *([f"error-{name}"] if form.errors.get(name) else []),
            *([f"help-{name}"] if name in SECTION_HELP else []),
            *(["formatting-help"] if name in FORMATTED_FIELDS else []),
        ]
        attrs = form.fields[name].widget.attrs
        if described_by:
            attrs["aria-describedby"] = " ".join(described_by)
        if form.errors.get(name):
            attrs["aria-invalid"] = "true"
        if "rows" in attrs and primary is not None:
            # About as tall as the primary text beside it, so both can be read together.
            source = getattr(primary, name)
            attrs["rows"] = max(4, min(40, len(source) // 50 + source.count("\n") + 2))
    fields = [
        {
            "field": form[name],
            "source": getattr(primary, name) if primary is not None else "",
            "outdated": name in outdated,
            "formatted": name in FORMATTED_FIELDS,
            "help": SECTION_HELP.get(name, ""),
        }
        for name in SOURCE_FIELDS
    ]
    context = workspace_context(
        request,
        language=language,
        language_name=LANGUAGE_NAMES[language],
        primary_language=campaign.primary_language,
        primary_name=LANGUAGE_NAMES[campaign.primary_language],
        is_primary=is_primary,
        translation=row,
        fields=fields,
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "organize/translation.html", context, status=status)


def existing_translation(request: HttpRequest, language: str) -> CampaignTranslation:
    row = (
        CampaignTranslation.objects.select_related("campaign")
        .filter(campaign=request.campaign, language=language)
        .first()
    )
    if row is None or language == request.campaign.primary_language:
        raise Http404
    return row


@private_view
@require_POST
@require_role(Role.ORGANIZER)
def review(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    """A native speaker checked the language against the primary text as it is now."""
    row = existing_translation(request, language)
    approve_translations(CampaignTranslation.objects.filter(pk=row.pk), user=request.user)
    audit(request, "translation_review", language)
    messages.success(request, _("Marked as reviewed."))
    return redirect("organize:translation", slug=slug, language=language)


@private_view
@require_POST
@require_role(Role.OWNER)
def publish(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    """The owners' decision: offer the language on the public pages, or stop offering it."""
    row = existing_translation(request, language)
    published = request.POST.get("published") == "1"
    if set_published(translation=row, published=published):
        audit(request, "translation_publish" if published else "translation_unpublish", language)
    messages.success(request, _("The decision was saved."))
    return redirect("organize:translation", slug=slug, language=language)
