"""Public petition views: sign, check your email, confirm, resend, thanks, share, API.

No view here sets a cookie: the forms carry a signed token and POSTs are origin-checked.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaign.content import campaign_translation
from campaign.views import (
    campaign_context,
    get_campaign,
    offered_or_redirect,
    render_campaign_page,
)
from petitions.confirmation import confirm_signature, pending_signature, resend_confirmation
from petitions.consents import consent_text_id
from petitions.counting import petition_counts
from petitions.forms import ResendForm, SignatureForm
from petitions.models import SignatureStatus
from petitions.sharing import mastodon_share_url, share_links
from petitions.signing import create_signature
from petitions.tokens import (
    TokenProblem,
    check_form_token,
    make_form_token,
    read_confirm_token,
)
from petitions.web import client_ip_hash, origin_allowed, private, public, served_from_cache


def forbidden_origin(request: HttpRequest) -> HttpResponse:
    return private(
        render(
            request,
            "petitions/problem.html",
            {
                "title": _("This form was sent from another site"),
                "message": _(
                    "For your safety we only accept signatures sent from this site's own pages. Please open the petition page and sign there."
                ),
            },
            status=403,
        )
    )


def privacy_consent_text(content) -> str:
    return (
        _("I agree that my signature is processed as the privacy notice describes.")
        + "\n\n"
        + "\n\n".join(content.privacy_paragraphs)
    )


def updates_consent_text(campaign) -> str:
    return _("Keep me informed by email about %(hashtag)s.") % {"hashtag": campaign.hashtag}


@csrf_exempt
@require_POST
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(slug, recent=True)
    petition = campaign.petition
    if not origin_allowed(request):
        return forbidden_origin(request)
    form = SignatureForm(request.POST, region_kind=campaign.region_kind)
    if not petition.is_open:
        return private(
            render_campaign_page(
                request, campaign, status=403, notice=_("Signing is paused for this petition.")
            )
        )
    problem = check_form_token(request.POST.get("form_token", ""), petition_id=petition.pk)
    if problem is not None:
        notice = (
            _("This form was open for too long. Please check your details and send it again.")
            if problem == TokenProblem.EXPIRED
            else _("This form could not be verified. Please check your details and send it again.")
        )
        form.is_valid()
        return private(
            render_campaign_page(request, campaign, form=form, status=400, notice=notice)
        )
    if not form.is_valid():
        return private(render_campaign_page(request, campaign, form=form, status=400))

    language = translation.get_language()
    content = campaign_translation(campaign, language)
    text_ids = [
        consent_text_id(kind="privacy", language=language, text=privacy_consent_text(content))
    ]
    if form.cleaned_data["updates_opt_in"]:
        text_ids.append(
            consent_text_id(kind="updates", language=language, text=updates_consent_text(campaign))
        )
    data = form.cleaned_data
    create_signature(
        petition=petition,
        name=data["name"],
        email=data["email"],
        country=data["country"],
        region=data.get("region", ""),
        postal_code=data["postal_code"],
        locale=language,
        updates_opt_in=data["updates_opt_in"],
        consent_text_ids=text_ids,
        source=request.GET.get("source", "")[:64],
        ref=request.GET.get("ref", "")[:64],
        ip_hash=client_ip_hash(request),
    )
    return _see_other(reverse("petitions:check_email", kwargs={"slug": slug}))


def _see_other(location: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = location
    return private(response)


@require_safe
def check_email(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(slug)
    context = campaign_context(request, campaign, "petitions:check_email")
    return public(render(request, "petitions/check_email.html", context))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    campaign = get_campaign(slug, recent=request.method == "POST")
    link = read_confirm_token(token)
    signature = pending_signature(public_id=link.public_id) if link.public_id else None
    if signature is not None and signature.petition.campaign_id != campaign.pk:
        signature = None
    if request.method == "POST" and signature is not None and link.problem is None:
        # The hot path under a surge: no page to render, so no counts to read.
        if not origin_allowed(request):
            return forbidden_origin(request)
        confirm_signature(public_id=signature.public_id)
        return _see_other(reverse("petitions:thanks", kwargs={"slug": slug}))
    context = campaign_context(request, campaign, "campaign:detail")
    if signature is None or link.problem is not None:
        context.update(
            {
                "expired": link.problem == TokenProblem.EXPIRED and signature is not None,
                "token": token,
                "resend_form": ResendForm(
                    initial={"form_token": make_form_token(petition_id=campaign.petition.pk)}
                ),
            }
        )
        return private(render(request, "petitions/confirm_problem.html", context, status=400))
    context["already_confirmed"] = signature.status == SignatureStatus.CONFIRMED
    return private(render(request, "petitions/confirm.html", context))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def resend(request: HttpRequest, slug: str) -> HttpResponse:
    """Send a new confirmation link, by address or for an expired link's signature."""
    campaign = get_campaign(slug)
    petition = campaign.petition
    context = campaign_context(request, campaign, "petitions:resend")
    token = make_form_token(petition_id=petition.pk)
    if request.method != "POST":
        context["form"] = ResendForm(initial={"form_token": token})
        return public(render(request, "petitions/resend.html", context))
    if not origin_allowed(request):
        return forbidden_origin(request)
    if link_token := request.POST.get("token"):
        link = read_confirm_token(link_token)
        signature = pending_signature(public_id=link.public_id) if link.public_id else None
        if signature is not None and signature.status == SignatureStatus.PENDING:
            resend_confirmation(petition=petition, email=signature.email)
        return _see_other(reverse("petitions:check_email", kwargs={"slug": slug}))
    form = ResendForm(request.POST)
    problem = check_form_token(request.POST.get("form_token", ""), petition_id=petition.pk)
    if problem is not None or not form.is_valid():
        if problem is not None:
            context["notice"] = _("This form could not be verified. Please send it again.")
        form.data = form.data.copy()
        form.data["form_token"] = token
        context["form"] = form
        return private(render(request, "petitions/resend.html", context, status=400))
    resend_confirmation(petition=petition, email=form.cleaned_data["email"])
    return _see_other(reverse("petitions:check_email", kwargs={"slug": slug}))


@require_safe
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(slug)
    if response := offered_or_redirect(campaign, "petitions:thanks"):
        return response
    context = campaign_context(request, campaign, "petitions:thanks")
    url = settings.SITE_URL + reverse("campaign:detail", kwargs={"slug": slug})
    content = context["content"]
    context.update(
        {
            "share_url": url,
            "share_links": share_links(url=url, text=content.share_text, subject=content.title),
        }
    )
    return public(render(request, "petitions/thanks.html", context))


@require_safe
def share_mastodon(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask for the supporter's Mastodon server, then send them to its share page."""
    campaign = get_campaign(slug)
    context = campaign_context(request, campaign, "petitions:share_mastodon")
    instance = request.GET.get("instance", "")
    if instance:
        url = settings.SITE_URL + reverse("campaign:detail", kwargs={"slug": slug})
        target = mastodon_share_url(instance=instance, text=context["content"].share_text, url=url)
        if target:
            return private(redirect(target))
        context["error"] = _(
            "Please enter the address of your Mastodon server, like mastodon.social."
        )
        return private(render(request, "petitions/share_mastodon.html", context, status=400))
    return public(render(request, "petitions/share_mastodon.html", context))


@require_safe
def privacy_notice(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(slug)
    if response := offered_or_redirect(campaign, "petitions:privacy"):
        return response
    context = campaign_context(request, campaign, "petitions:privacy")
    return public(render(request, "petitions/privacy.html", context))


@require_safe
@served_from_cache
def api_petition(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(slug)
    petition = campaign.petition
    counts = petition_counts(petition_id=petition.pk)
    content = campaign_translation(campaign, campaign.primary_language)
    payload = {
        "slug": campaign.slug,
        "title": content.title,
        "hashtag": campaign.hashtag,
        "goal": petition.goal,
        "signatures": counts.total,
        "by_country": counts.by_country,
        "by_region": counts.by_region,
        "is_open": petition.is_open,
        "updated_at": counts.updated_at.isoformat() if counts.updated_at else None,
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return public(response, max_age=min(60, settings.PUBLIC_CACHE_SECONDS))
