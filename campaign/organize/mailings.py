"""Emailing an update to the signers who opted in: counts, a test to oneself, the confirmation,
then the progress while the task queue sends it. Owners only, with a recent TOTP check."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from campaign.campaigns.models import CampaignUpdate, Role
from campaign.campaigns.updates import public_update, shown_translations
from campaign.organize.campaigns import private_view
from campaign.organize.reports import page_context, with_petition
from campaign.web.access import has_recent_mfa, recent_mfa_required, require_role
from petitions.mailings.planning import recipient_counts
from petitions.mailings.requests import MailingError, confirm, send_test
from petitions.models import Mailing, MailingStatus

LANGUAGE_NAMES = dict(settings.LANGUAGES)


class TestForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language of the test"))


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I have read the test email and want to send this update."),
        required=True,
    )


def _update(request: HttpRequest, update_slug: str) -> CampaignUpdate:
    return get_object_or_404(
        CampaignUpdate.objects.select_related("campaign__petition"),
        campaign=request.campaign,
        slug=update_slug,
    )


def _progress(mailing: Mailing | None) -> dict:
    if mailing is None:
        return {"status": "none"}
    return {
        "status": mailing.status,
        "recipients": mailing.recipients,
        "sent": mailing.sent,
        "skipped": mailing.skipped,
        "failed": mailing.failed,
        "unknown": mailing.unknown,
        "percent": mailing.percent,
    }


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
@require_role(Role.OWNER)
@with_petition
@recent_mfa_required
def send(request: HttpRequest, slug: str, update_slug: str) -> HttpResponse:
    """GET: the recipients per language, the test form, and after a test the confirmation;
    once confirmed, the progress. POST ``action=test`` or ``action=confirm``."""
    update = _update(request, update_slug)
    mailing = Mailing.objects.filter(update=update).first()
    texts = shown_translations(update.campaign, update)
    test_form = TestForm(request.POST if request.POST.get("action") == "test" else None)
    test_form.fields["language"].choices = [
        (code, LANGUAGE_NAMES[code]) for code in sorted(texts, key=lambda c: LANGUAGE_NAMES[c])
    ]
    test_form.fields["language"].initial = update.campaign.primary_language
    confirm_form = ConfirmForm(request.POST if request.POST.get("action") == "confirm" else None)
    here = reverse("organize:mailing_send", kwargs={"slug": slug, "update_slug": update_slug})
    if request.method == "POST":
        try:
            if request.POST.get("action") == "test" and test_form.is_valid():
                send_test(
                    update=update, user=request.user, language=test_form.cleaned_data["language"]
                )
                messages.success(
                    request,
                    _("A test is on its way to %(email)s.") % {"email": request.user.email},
                )
                return redirect(here)
            if request.POST.get("action") == "confirm" and confirm_form.is_valid():
                if not has_recent_mfa(request):
                    return redirect(here)  # the GET asks for the code again
                confirm(update=update, user=request.user)
                return redirect(here)
        except MailingError as error:
            messages.error(request, str(error))
            return redirect(here)
    counts = recipient_counts(update=update) if mailing is None or mailing.status == "draft" else {}
    context = page_context(request, "updates")
    context.update(
        {
            "update": update,
            "update_title": public_update(
                update.campaign, update, update.campaign.primary_language
            ).title
            if texts
            else update.slug,
            "mailing": mailing,
            "progress": _progress(mailing),
            "running": mailing is not None
            and mailing.status in (MailingStatus.PLANNING, MailingStatus.SENDING),
            "counts": [
                {"language": LANGUAGE_NAMES.get(code, code), "count": n}
                for code, n in counts.items()
            ],
            "total": sum(counts.values()),
            "test_form": test_form,
            "confirm_form": confirm_form,
            "status_url": reverse(
                "organize:mailing_status", kwargs={"slug": slug, "update_slug": update_slug}
            ),
        }
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "organize/mailing.html", context, status=status)


@private_view
@require_safe
@require_role(Role.OWNER)
@with_petition
def status(request: HttpRequest, slug: str, update_slug: str) -> HttpResponse:
    """The mailing's progress as JSON, for anything that polls instead of refreshing."""
    update = _update(request, update_slug)
    return JsonResponse(_progress(Mailing.objects.filter(update=update).first()))
