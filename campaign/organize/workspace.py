"""The organizer workspace: create a campaign, write its content, set up its petition,
preview and publish it, and the owner's controls over signing.

Views parse forms and call the services in ``petitions/workspace.py`` and
``petitions/controls.py``; every change is written to the audit log there.
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from campaign.campaigns.images import ImageRejected, hero_picture
from campaign.campaigns.models import Campaign, CampaignTranslation, RegionKind, Role
from campaign.campaigns.regions import (
    clean_region_kind,
    region_country_choices,
    region_kind_choices,
)
from campaign.organize.campaigns import (
    campaign_title,
    has_petition,
    organizer_login_required,
    owner_tabs,
    private_view,
    tabs,
)
from campaign.organize.section_fields import SECTION_HELP, SECTION_LABELS, check_sections
from campaign.web.access import require_role
from petitions import controls, workspace
from petitions.reporting.access_log import record_audit


def petition_of(campaign: Campaign):
    return campaign.petition if has_petition(campaign) else None


def workspace_context(request: HttpRequest, tab: str) -> dict:
    campaign = request.campaign
    return {
        "campaign": campaign,
        "petition": petition_of(campaign),
        "title": campaign_title(campaign),
        "role": request.campaign_role,
        "tabs": tabs(campaign, request.campaign_role, tab),
        "owner_tabs": owner_tabs(campaign, request.campaign_role, tab),
    }


class RegionFields(forms.Form):
    """Where signers live: the region kind, and for regions the country they belong to."""

    region_kind = forms.ChoiceField(label=gettext_lazy("Where signers live"), choices=())
    region_country = forms.ChoiceField(
        label=gettext_lazy("Country of the regions"), choices=(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_kind"].choices = region_kind_choices()
        self.fields["region_country"].choices = [("", "–"), *region_country_choices()]

    def clean(self):
        data = super().clean()
        if "region_kind" in data:
            try:
                data["region_kind"], data["region_country"] = clean_region_kind(
                    region_kind=data["region_kind"], region_country=data.get("region_country", "")
                )
            except forms.ValidationError as error:
                self.add_error(None, error)
        return data


class NewCampaignForm(RegionFields):
    hashtag = forms.CharField(label=gettext_lazy("Hashtag"), max_length=64)
    slug = forms.SlugField(
        label=gettext_lazy("Web address"),
        max_length=64,
        help_text=gettext_lazy("Lower-case letters, digits and hyphens; it cannot change later."),
    )
    primary_language = forms.ChoiceField(
        label=gettext_lazy("Primary language"), choices=settings.LANGUAGES
    )
    field_order = ["hashtag", "slug", "primary_language", "region_kind", "region_country"]

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if slug in workspace.RESERVED_SLUGS or Campaign.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("This web address is taken. Please choose another."))
        return slug


@organizer_login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_campaign(request: HttpRequest) -> HttpResponse:
    """A superuser or an owner of a campaign starts a new, unpublished one and owns it."""
    if not workspace.may_create_campaigns(request.user):
        raise PermissionDenied
    initial = {"region_kind": RegionKind.COUNTRY, "primary_language": translation.get_language()}
    form = NewCampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        campaign = workspace.create_campaign(**form.cleaned_data, by=request.user)
        messages.success(request, _("The draft was created. Nothing of it is public yet."))
        return redirect("organize:content", slug=campaign.slug)
    status = 400 if form.is_bound else 200
    return render(request, "organize/new_campaign.html", {"form": form}, status=status)


def steps(campaign: Campaign) -> list[dict]:
    """The workspace's steps with their state, in order."""
    ready = workspace.readiness(campaign)
    slug = campaign.slug
    return [
        {
            "label": _("Content"),
            "url": reverse("organize:content", kwargs={"slug": slug}),
            "done": ready["content"],
        },
        {
            "label": _("Hero image"),
            "url": reverse("organize:hero", kwargs={"slug": slug}) if ready["content"] else "",
            "done": None,
        },
        {
            "label": _("Petition"),
            "url": reverse("organize:petition", kwargs={"slug": slug}),
            "done": ready["petition"],
        },
        {
            "label": _("Appearance"),
            "url": reverse("organize:appearance", kwargs={"slug": slug}),
            "done": None,
        },
        {
            "label": _("Translations"),
            "url": reverse("organize:translations", kwargs={"slug": slug}),
            "done": None,
        },
        {
            "label": _("Preview"),
            # The page needs content and a petition before it can be shown.
            "url": reverse("campaign_preview", kwargs={"slug": slug})
            if all(ready.values())
            else "",
            "done": None,
        },
    ]


@private_view
@require_http_methods(["GET", "HEAD"])
@require_role(Role.OWNER)
def setup(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's steps, from draft to publication."""
    campaign = request.campaign
    context = workspace_context(request, "setup")
    context.update(
        {
            "steps": steps(campaign),
            "ready": all(workspace.readiness(campaign).values()),
            "public_url": reverse("campaign:detail", kwargs={"slug": slug}),
        }
    )
    return render(request, "organize/setup.html", context)


class ContentForm(forms.ModelForm):
    class Meta:
        model = CampaignTranslation
        fields = workspace.CONTENT_FIELDS
        labels = {
            "title": gettext_lazy("Title"),
            "lead": gettext_lazy("Lead"),
            "ask": gettext_lazy("What we ask"),
            "addressee": gettext_lazy("Addressed to:"),
            "why": gettext_lazy("Why it matters"),
            "petition_text": gettext_lazy("The petition"),
            "share_text": gettext_lazy("Share text"),
            "coalition_intro": gettext_lazy("Coalition introduction"),
            **SECTION_LABELS,
        }
        # The model's help texts are for the admin (English); these are the interface's.
        help_texts = {
            "lead": "",
            "ask": "",
            "why": gettext_lazy("Separate paragraphs with an empty line."),
            "petition_text": gettext_lazy("Separate paragraphs with an empty line."),
            **SECTION_HELP,
        }
        widgets = {
            "ask": forms.Textarea(attrs={"rows": 3}),
            "lead": forms.Textarea(attrs={"rows": 3}),
            "share_text": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        check_sections(self)  # the sections' formats, next to the field at fault
        return cleaned


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
@require_role(Role.OWNER)
def content(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's texts in its primary language."""
    campaign = request.campaign
    form = ContentForm(request.POST or None, instance=workspace.primary_content(campaign))
    if request.method == "POST" and form.is_valid():
        workspace.save_content(campaign=campaign, texts=form.cleaned_data, by=request.user)
        messages.success(request, _("The content was saved."))
        return redirect(
            "organize:petition" if petition_of(campaign) is None else "organize:setup", slug=slug
        )
    context = workspace_context(request, "setup")
    context.update({"form": form, "language": dict(settings.LANGUAGES)[campaign.primary_language]})
    return render(request, "organize/content.html", context, status=400 if form.is_bound else 200)


ACCEPTED_IMAGE_TYPES = "image/jpeg,image/png,image/webp,image/avif"


class HeroForm(forms.Form):
    """A new hero image (optional once there is one) and its description."""

    image = forms.FileField(
        label=gettext_lazy("New image"),
        required=False,
        help_text=gettext_lazy(
            "A photo in JPEG, PNG, WebP or AVIF format, at least 480 pixels wide. It is shown "
            "as a wide band: taller pictures are cropped around their centre. Location and "
            "camera details are removed."
        ),
        widget=forms.FileInput(attrs={"accept": ACCEPTED_IMAGE_TYPES}),
    )
    alt = forms.CharField(
        label=gettext_lazy("Description of the hero image"),
        max_length=250,
        required=False,
        help_text=gettext_lazy(
            "What the image shows, for people who cannot see it. Translated with the other texts."
        ),
    )

    def __init__(self, *args, has_hero: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_hero = has_hero

    def clean(self):
        data = super().clean()
        if not data.get("image") and not self.has_hero:
            self.add_error("image", _("Please choose an image."))
        elif not data.get("alt", "").strip() and "alt" not in self.errors:
            self.add_error("alt", _("Please describe the image for people who cannot see it."))
        return data


class AppearanceForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["accent_color"]
        labels = {"accent_color": gettext_lazy("Accent colour")}
        help_texts = {
            "accent_color": gettext_lazy(
                "For buttons, the count's bar, the map and the hashtag: # and six hexadecimal "
                "digits, like #8a1c1c. It must be dark enough to read on white and under white "
                "text (a contrast of at least 4.5:1)."
            )
        }
        widgets = {"accent_color": forms.TextInput(attrs={"size": 8, "spellcheck": "false"})}


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
@require_role(Role.OWNER)
def appearance(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's accent colour."""
    campaign = request.campaign
    form = AppearanceForm(
        request.POST or None, instance=Campaign(accent_color=campaign.accent_color)
    )
    if request.method == "POST" and form.is_valid():
        workspace.save_appearance(
            campaign=campaign, accent_color=form.cleaned_data["accent_color"], by=request.user
        )
        messages.success(request, _("The appearance was saved."))
        return redirect("organize:setup", slug=slug)
    context = workspace_context(request, "setup")
    context.update({"form": form, "accent": campaign.accent_color})
    return render(
        request, "organize/appearance.html", context, status=400 if form.is_bound else 200
    )


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
@require_role(Role.OWNER)
def hero(request: HttpRequest, slug: str) -> HttpResponse:
    """The hero image at the top of the campaign page and its description."""
    campaign = request.campaign
    primary = workspace.primary_content(campaign)
    if primary is None:
        messages.info(request, _("Write the content first: the image's description goes with it."))
        return redirect("organize:content", slug=slug)
    form = HeroForm(
        request.POST or None,
        request.FILES or None,
        initial={"alt": primary.hero_alt},
        has_hero=campaign.hero_image_id is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            workspace.set_hero_image(
                campaign=campaign,
                upload=form.cleaned_data["image"],
                alt=form.cleaned_data["alt"].strip(),
                by=request.user,
            )
        except ImageRejected as rejected:
            form.add_error("image", rejected.message)
        else:
            messages.success(request, _("The image was saved."))
            return redirect("organize:hero", slug=slug)
    context = workspace_context(request, "setup")
    context.update(
        {
            "form": form,
            "hero": hero_picture(campaign=campaign, alt=primary.hero_alt),
            "language": dict(settings.LANGUAGES)[campaign.primary_language],
        }
    )
    return render(request, "organize/hero.html", context, status=400 if form.is_bound else 200)


@private_view
@require_POST
@require_role(Role.OWNER)
def remove_hero(request: HttpRequest, slug: str) -> HttpResponse:
    if workspace.remove_hero_image(campaign=request.campaign, by=request.user):
        messages.success(request, _("The image was removed from the campaign page."))
    return redirect("organize:hero", slug=slug)


class PetitionForm(RegionFields):
    goal = forms.IntegerField(label=gettext_lazy("Goal"), min_value=1)
    closes_on = forms.DateField(
        label=gettext_lazy("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    field_order = ["goal", "closes_on", "region_kind", "region_country"]


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
@require_role(Role.OWNER)
def petition_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Goal, deadline and region kind; the addressee is part of the content."""
    campaign = request.campaign
    petition = petition_of(campaign)
    initial = {"region_kind": campaign.region_kind, "region_country": campaign.region_country}
    if petition is not None:
        initial["goal"] = petition.goal
        if petition.closes_at:
            initial["closes_on"] = timezone.localtime(petition.closes_at).date()
    form = PetitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["closes_on"]
        closes_at = (
            timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))
            if day
            else None
        )
        workspace.save_petition(
            campaign=campaign,
            goal=form.cleaned_data["goal"],
            closes_at=closes_at,
            region_kind=form.cleaned_data["region_kind"],
            region_country=form.cleaned_data["region_country"],
            by=request.user,
        )
        messages.success(request, _("The petition was saved."))
        return redirect("organize:setup", slug=slug)
    context = workspace_context(request, "setup")
    context["form"] = form
    return render(request, "organize/petition.html", context, status=400 if form.is_bound else 200)


@private_view
@require_POST
@require_role(Role.OWNER)
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Please tick the box to confirm."))
        return redirect("organize:setup", slug=slug)
    try:
        workspace.publish_campaign(campaign=request.campaign, by=request.user)
    except workspace.NotReadyError:
        messages.error(request, _("Write the content and set up the petition before publishing."))
        return redirect("organize:setup", slug=slug)
    messages.success(request, _("The campaign is published."))
    return redirect("organize:setup", slug=slug)


@private_view
@require_http_methods(["GET", "HEAD"])
@require_role(Role.OWNER)
def owner_controls(request: HttpRequest, slug: str) -> HttpResponse:
    """Pause, proof-of-work, close, and the held signatures (personal data: audited)."""
    petition = petition_of(request.campaign)
    if petition is None:
        return redirect("organize:setup", slug=slug)
    held = controls.held_signatures(petition=petition)
    if held:
        record_audit(user=request.user, action="view_held", petition=petition, rows=len(held))
    context = workspace_context(request, "controls")
    context.update(
        {
            "held": [{"signature": s, "reason": s.get_held_reason_display()} for s in held],
        }
    )
    return render(request, "organize/controls.html", context)


CONTROL_ACTIONS = ("pause", "resume", "pow_on", "pow_off", "close", "release")


@private_view
@require_POST
@require_role(Role.OWNER)
def control(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """One owner control, sent by its confirmed form on the Controls page."""
    petition = petition_of(request.campaign)
    if petition is None or action not in CONTROL_ACTIONS:
        return redirect("organize:setup", slug=slug)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Please tick the box to confirm."))
        return redirect("organize:controls", slug=slug)
    by = request.user
    if action in ("pause", "resume"):
        try:
            controls.set_signing_open(petition=petition, is_open=action == "resume", by=by)
        except controls.PetitionClosedError:
            messages.error(request, _("This petition is closed: signing cannot resume."))
            return redirect("organize:controls", slug=slug)
    elif action in ("pow_on", "pow_off"):
        controls.set_require_pow(petition=petition, required=action == "pow_on", by=by)
    elif action == "close":
        controls.close_petition(petition=petition, by=by)
    else:
        ids = [int(v) for v in request.POST.getlist("signature") if v.isdigit()]
        controls.release_held(petition=petition, signature_ids=ids, by=by)
    messages.success(request, _("Done: the change is in the audit log."))
    return redirect("organize:controls", slug=slug)
