"""Campaign updates in the organizer area: write a draft in the primary language, translate it
beside the primary text, review each language, and (owners) publish it.

Organizers and owners write, translate, review and delete drafts; owners publish and take
back. Every change goes through campaign/campaigns/updates.py and is written to the audit log.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from campaign.campaigns.access import role_satisfies
from campaign.campaigns.content import LANGUAGE_NAMES
from campaign.campaigns.models import CampaignUpdate, CampaignUpdateTranslation, Role
from campaign.campaigns.updates import (
    UPDATE_FIELDS,
    UpdateError,
    approve_update_translation,
    create_update,
    delete_draft,
    outdated_update_fields,
    public_update,
    publish_update,
    save_update_translation,
    unpublish_update,
)
from campaign.core.links import absolute_url
from campaign.organize.campaigns import campaign_title, private_view, tabs
from campaign.web.access import require_role
from campaign.web.discovery import localized_path
from petitions.reporting.access_log import record_audit

FORMATTING_HELP = gettext_lazy(
    "Blank lines separate paragraphs. Formatting: *emphasis*, **strong**, [words](https://…), "
    "lines starting with “- ” or “1. ” for lists."
)


class UpdateForm(forms.ModelForm):
    """An update's title and text in one language (the model keeps "\\n" line endings)."""

    class Meta:
        model = CampaignUpdateTranslation
        fields = UPDATE_FIELDS
        labels = {"title": gettext_lazy("Title"), "body": gettext_lazy("Text")}
        help_texts = {"body": FORMATTING_HELP}


def audit(request: HttpRequest, action: str, update: CampaignUpdate, detail: str = "") -> None:
    campaign = request.campaign
    record_audit(
        user=request.user,
        action=action,
        petition=getattr(campaign, "petition", None),
        detail=f"{campaign.slug}/{update.slug}{' ' + detail if detail else ''}",
    )


def area_context(request: HttpRequest, **extra) -> dict:
    campaign = request.campaign
    return {
        "campaign": campaign,
        "title": campaign_title(campaign),
        "role": request.campaign_role,
        "tabs": tabs(campaign, request.campaign_role, "updates"),
        "is_owner": role_satisfies(request.campaign_role, Role.OWNER),
        "primary_language": campaign.primary_language,
        "primary_name": LANGUAGE_NAMES[campaign.primary_language],
        **extra,
    }


def update_of(request: HttpRequest, update_slug: str) -> CampaignUpdate:
    update = (
        CampaignUpdate.objects.filter(campaign=request.campaign, slug=update_slug)
        .select_related("campaign")
        .prefetch_related("translations")
        .first()
    )
    if update is None:
        raise Http404
    return update


def update_languages(campaign, update: CampaignUpdate) -> list[dict]:
    """Each language the update should have (the campaign's, and any it has), primary first,
    with its state: missing, outdated fields, needs review, and what its readers see."""
    rows = {t.language: t for t in update.translations.all()}
    primary = rows.get(campaign.primary_language)
    codes = set(campaign.target_languages) | set(rows) | {campaign.primary_language}
    items = []
    for code in sorted(codes, key=lambda c: (c != campaign.primary_language, c)):
        row = rows.get(code)
        seen = public_update(campaign, update, code).language if primary is not None else ""
        items.append(
            {
                "language": code,
                "name": LANGUAGE_NAMES[code],
                "is_primary": code == campaign.primary_language,
                "missing": row is None,
                "outdated": outdated_update_fields(row, primary) if row is not None else [],
                "needs_review": row is not None and code != campaign.primary_language
                and row.needs_review,
                "seen": seen,
                "seen_name": LANGUAGE_NAMES.get(seen, ""),
            }
        )  # fmt: skip
    return items


def public_link(campaign, update: CampaignUpdate) -> str:
    return absolute_url(
        localized_path(
            "campaign:update",
            campaign.primary_language,
            slug=campaign.slug,
            update_slug=update.slug,
        )
    )


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
@require_role(Role.ORGANIZER)
def updates(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's updates with their state per language; POST starts a draft."""
    campaign = request.campaign
    form = UpdateForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        update = create_update(
            campaign=campaign,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            user=request.user,
        )
        audit(request, "update_create", update, campaign.primary_language)
        messages.success(request, _("The update was saved."))
        return redirect("organize:update", slug=slug, update_slug=update.slug)
    rows = (
        CampaignUpdate.objects.filter(campaign=campaign)
        .select_related("campaign")
        .prefetch_related("translations")
        .order_by("published_at", "-created_at")
    )
    # Drafts first (the work in progress), then the published ones, newest first.
    rows = sorted(
        rows,
        key=lambda u: (u.published_at is not None, -(u.published_at or u.created_at).timestamp()),
    )
    items = []
    for update in rows:
        languages = update_languages(campaign, update)
        primary = next(
            (t for t in update.translations.all() if t.language == campaign.primary_language), None
        )
        items.append(
            {
                "update": update,
                "title": primary.title if primary is not None else update.slug,
                "missing": [item for item in languages if item["missing"]],
                "outdated": [item for item in languages if item["outdated"]],
                "needs_review": [item for item in languages if item["needs_review"]],
            }
        )
    context = area_context(request, items=items, form=form)
    status = 400 if request.method == "POST" else 200
    return render(request, "organize/updates.html", context, status=status)


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
@require_role(Role.ORGANIZER)
def update(request: HttpRequest, slug: str, update_slug: str) -> HttpResponse:
    """One update: its primary text to edit, its languages, and the owners' publish controls."""
    campaign = request.campaign
    found = update_of(request, update_slug)
    primary = next(
        (t for t in found.translations.all() if t.language == campaign.primary_language), None
    )
    form = UpdateForm(request.POST or None, instance=primary)
    if request.method == "POST" and form.is_valid():
        _row, changed = save_update_translation(
            update=found,
            language=campaign.primary_language,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
        if changed:
            audit(
                request, "update_edit", found, f"{campaign.primary_language}: {', '.join(changed)}"
            )
            messages.success(request, _("The update was saved."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("organize:update", slug=slug, update_slug=found.slug)
    context = area_context(
        request,
        update=found,
        form=form,
        update_languages=update_languages(campaign, found),
        public_url=public_link(campaign, found)
        if found.published_at and campaign.published_at
        else "",
        # Owners email a published update to the signers who opted in (organize/mailings.py).
        mailing_url=reverse(
            "organize:mailing_send", kwargs={"slug": slug, "update_slug": found.slug}
        )
        if found.published_at
        and campaign.published_at
        and role_satisfies(request.campaign_role, Role.OWNER)
        else "",
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "organize/update.html", context, status=status)


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
@require_role(Role.ORGANIZER)
def update_translation(
    request: HttpRequest, slug: str, update_slug: str, language: str
) -> HttpResponse:
    """One language of an update beside the primary text; POST saves it (it then needs review)."""
    campaign = request.campaign
    found = update_of(request, update_slug)
    if language not in LANGUAGE_NAMES:
        raise Http404
    if language == campaign.primary_language:
        return redirect("organize:update", slug=slug, update_slug=found.slug)
    rows = {t.language: t for t in found.translations.all()}
    primary = rows.get(campaign.primary_language)
    row = rows.get(language)
    form = UpdateForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        _saved, changed = save_update_translation(
            update=found,
            language=language,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
        if changed:
            audit(request, "update_translate", found, f"{language}: {', '.join(changed)}")
            messages.success(request, _("The translation was saved; it needs review again."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect(
            "organize:update_translation", slug=slug, update_slug=found.slug, language=language
        )
    outdated = set(outdated_update_fields(row, primary)) if row is not None else set()
    for name in UPDATE_FIELDS:
        field = form.fields[name]
        field.help_text = ""  # the primary text beside it, and the formatting note above, say it
        described_by = [f"source-{name}"]
        if name in outdated:
            described_by.append(f"flag-{name}")
        if name == "body":
            described_by.append("formatting-help")
        attrs = field.widget.attrs
        attrs["aria-describedby"] = " ".join(described_by)
        attrs["lang"] = language
        if "rows" in attrs and primary is not None:
            source = getattr(primary, name)
            attrs["rows"] = max(4, min(40, len(source) // 50 + source.count("\n") + 2))
    fields = [
        {
            "field": form[name],
            "source": getattr(primary, name) if primary is not None else "",
            "outdated": name in outdated,
        }
        for name in UPDATE_FIELDS
    ]
    context = area_context(
        request,
        update=found,
        language=language,
        language_name=LANGUAGE_NAMES[language],
        translation=row,
        fields=fields,
        formatting_help=FORMATTING_HELP,
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "organize/update_translation.html", context, status=status)


@private_view
@require_POST
@require_role(Role.ORGANIZER)
def review(request: HttpRequest, slug: str, update_slug: str, language: str) -> HttpResponse:
    """A native speaker checked the language against the primary text as it is now."""
    found = update_of(request, update_slug)
    row = next((t for t in found.translations.all() if t.language == language), None)
    if row is None or language == request.campaign.primary_language:
        raise Http404
    approve_update_translation(translation=row)
    audit(request, "update_review", found, language)
    messages.success(request, _("Marked as reviewed."))
    return redirect(
        "organize:update_translation", slug=slug, update_slug=found.slug, language=language
    )


@private_view
@require_POST
@require_role(Role.OWNER)
def publish(request: HttpRequest, slug: str, update_slug: str) -> HttpResponse:
    """The owners' decision, confirmed by a ticked box: publish the update, or take it back."""
    found = update_of(request, update_slug)
    back = redirect("organize:update", slug=slug, update_slug=found.slug)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Please tick the box to confirm."))
        return back
    if request.POST.get("published") == "0":
        if unpublish_update(update=found):
            audit(request, "update_unpublish", found)
        messages.success(request, _("The update is no longer public."))
        return back
    try:
        changed = publish_update(update=found)
    except UpdateError:
        messages.error(request, _("Write the update in the campaign's primary language first."))
        return back
    if changed:
        audit(request, "update_publish", found)
    messages.success(request, _("The update is published."))
    return back


@private_view
@require_POST
@require_role(Role.ORGANIZER)
def delete(request: HttpRequest, slug: str, update_slug: str) -> HttpResponse:
    """Delete a draft (a published update must be taken back by an owner first)."""
    found = update_of(request, update_slug)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Please tick the box to confirm."))
        return redirect("organize:update", slug=slug, update_slug=found.slug)
    if not delete_draft(update=found):
        messages.error(request, _("A published update cannot be deleted."))
        return redirect("organize:update", slug=slug, update_slug=found.slug)
    audit(request, "update_delete", found)
    messages.success(request, _("The draft was deleted."))
    return redirect(reverse("organize:updates", kwargs={"slug": slug}))
