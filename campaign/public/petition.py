"""Public petition views: sign, check your email, confirm, resend, thanks, share, API.

No view here sets a cookie: the forms carry a signed token and POSTs are origin-checked.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaign.campaigns.content import campaign_translation
from campaign.core.links import absolute_url
from campaign.public.pages import (
    campaign_context,
    get_campaign,
    offered_or_redirect,
    render_campaign_page,
    share_context,
)
from campaign.public.sharing import mastodon_host, mastodon_share_url, share_links
from campaign.web.http import (
    client_ip_hash,
    origin_allowed,
    private,
    public,
    same_in_every_language,
    served_from_cache,
)
from petitions import privacy
from petitions.models import SignatureStatus
from petitions.partners.embeds import partner_page_url, widget_for_key
from petitions.partners.service import partner_signature_count
from petitions.reporting.counting import petition_counts
from petitions.rights.requests import (
    request_data_copy,
    request_rights_links,
    withdraw_signature,
)
from petitions.signing.confirmation import confirm_pending, find_signature, resend_confirmation
from petitions.signing.forms import HONEYPOT_FIELD, ResendForm, SignatureForm
from petitions.signing.service import Refusal, SigningClient, sign_petition
from petitions.tokens import (
    TokenProblem,
    check_form_token,
    make_form_token,
    read_confirm_token,
    read_rights_token,
)


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


def signing_client(request: HttpRequest, token_problem: TokenProblem | None) -> SigningClient:
    """What the signing rules read of a sign POST from either form, the hosted one or the
    widget's, given that form's own token check."""
    return SigningClient(
        ip_hash=client_ip_hash(request),
        form_token=request.POST.get("form_token", ""),
        token_problem=token_problem,
        pow_solution=request.POST.get("pow", ""),
        honeypot=request.POST.get(HONEYPOT_FIELD, ""),
    )


def link_attribution(request: HttpRequest, data: dict | None) -> dict[str, str]:
    """``source`` and ``ref`` of a sign POST: the form's hidden fields, else the query string
    of the address it was posted to (the widget's frame carries them there)."""
    data = data or {}
    return {name: data.get(name) or request.GET.get(name, "")[:64] for name in ("source", "ref")}


def token_notice(problem: TokenProblem) -> str:
    """What either sign form says when its token is too old or not genuine."""
    if problem == TokenProblem.EXPIRED:
        return _("This form was open for too long. Please check your details and send it again.")
    return _("This form could not be verified. Please check your details and send it again.")


def pow_notice() -> str:
    return _(
        "To keep automated floods out, this petition currently asks your browser to solve a small puzzle before signing. This needs JavaScript: please allow JavaScript for this site, or try another browser, and send the form again."
    )


def refusal_notice(refusal: Refusal, client: SigningClient) -> str:
    """What either sign form says above the form when the signing service refused a POST."""
    if refusal == Refusal.PAUSED:
        return _("Signing is paused for this petition.")
    if refusal == Refusal.CLOSED:
        return _("This petition is closed: it no longer accepts signatures.")
    if refusal == Refusal.TOKEN:
        return token_notice(client.token_problem)
    if refusal == Refusal.POW:
        return pow_notice()
    return ""  # invalid fields: the form's own messages say what to correct


# A paused petition is forbidden to everyone; any other refusal asks to send the form again.
REFUSAL_STATUS = {Refusal.PAUSED: 403, Refusal.CLOSED: 403}
# Refusals after which the form is not shown again.
FORMLESS_REFUSALS = (Refusal.PAUSED, Refusal.CLOSED)


@csrf_exempt
@require_POST
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(slug, recent=True)
    petition = campaign.petition
    if not origin_allowed(request):
        return forbidden_origin(request)
    form = SignatureForm(
        request.POST, region_kind=campaign.region_kind, region_country=campaign.region_country
    )
    problem = check_form_token(request.POST.get("form_token", ""), petition_id=petition.pk)
    client = signing_client(request, problem)
    data = form.cleaned_data if form.is_valid() else None
    language = translation.get_language()
    outcome = sign_petition(
        campaign=campaign,
        data=data,
        client=client,
        language=language,
        widget=widget_for_key(petition=petition, key=data["partner"]) if data else None,
        **link_attribution(request, data),
    )
    if outcome.refusal is not None:
        page = render_campaign_page(
            request,
            campaign,
            form=None if outcome.refusal in FORMLESS_REFUSALS else form,
            status=REFUSAL_STATUS.get(outcome.refusal, 400),
            notice=refusal_notice(outcome.refusal, client),
        )
        return private(page)
    return _see_other(check_email_url(language, slug))


@functools.lru_cache(maxsize=512)
def check_email_url(language: str, slug: str) -> str:
    """Where a signer goes after signing; remembered, as reversing costs a surge's time."""
    with translation.override(language):
        return reverse("petitions:check_email", kwargs={"slug": slug})


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
    if (
        request.method == "POST"
        and link.public_id
        and link.problem is None
        and origin_allowed(request)
    ):
        # The hot path under a surge: one UPDATE, no page to render, so no counts to read.
        confirmed, signature = confirm_pending(public_id=link.public_id, campaign_id=campaign.pk)
        if confirmed:
            thanks_url = reverse("petitions:thanks", kwargs={"slug": slug})
            return _see_other(thanks_url + partner_thanks_query(signature))
    signature = find_signature(public_id=link.public_id) if link.public_id else None
    if signature is not None and signature.petition.campaign_id != campaign.pk:
        signature = None
    if request.method == "POST" and signature is not None and link.problem is None:
        # Sent from another site, or already confirmed: confirm_pending above found nothing
        # pending, so the signer just sees the thanks page again.
        if not origin_allowed(request):
            return forbidden_origin(request)
        thanks_url = reverse("petitions:thanks", kwargs={"slug": slug})
        return _see_other(thanks_url + partner_thanks_query(signature))
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
    context["thanks_query"] = partner_thanks_query(signature)
    return private(render(request, "petitions/confirm.html", context))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def resend(request: HttpRequest, slug: str) -> HttpResponse:
    """Send a new confirmation link, by address or for an expired link's signature."""
    campaign = get_campaign(slug)
    petition = campaign.petition
    context = campaign_context(request, campaign, "petitions:resend")
    if (
        answer := _address_form_answer(request, petition, context, "petitions/resend.html")
    ) is not None:
        return answer
    if link_token := request.POST.get("token"):
        link = read_confirm_token(link_token)
        signature = find_signature(public_id=link.public_id) if link.public_id else None
        if signature is not None and signature.status == SignatureStatus.PENDING:
            resend_confirmation(
                petition=petition, email=signature.email, ip_hash=client_ip_hash(request)
            )
        return _see_other(reverse("petitions:check_email", kwargs={"slug": slug}))
    email = _posted_address(request, petition, context, "petitions/resend.html")
    if isinstance(email, HttpResponse):
        return email
    resend_confirmation(petition=petition, email=email, ip_hash=client_ip_hash(request))
    return _see_other(reverse("petitions:check_email", kwargs={"slug": slug}))


def _address_form_answer(
    request: HttpRequest, petition, context: dict, template: str
) -> HttpResponse | None:
    """The answer an address form (resend, new rights links) gives before its POST is read:
    the empty form for a GET, a refusal for a POST from another origin; None otherwise."""
    if request.method != "POST":
        context["form"] = ResendForm(
            initial={"form_token": make_form_token(petition_id=petition.pk)}
        )
        return public(render(request, template, context))
    if not origin_allowed(request):
        return forbidden_origin(request)
    return None


def _posted_address(
    request: HttpRequest, petition, context: dict, template: str
) -> str | HttpResponse:
    """Bind a posted address form (email + form token): the address, or the page with errors."""
    form = ResendForm(request.POST)
    problem = check_form_token(request.POST.get("form_token", ""), petition_id=petition.pk)
    if problem is None and form.is_valid():
        return form.cleaned_data["email"]
    if problem is not None:
        context["notice"] = _("This form could not be verified. Please send it again.")
    form.data = form.data.copy()
    form.data["form_token"] = make_form_token(petition_id=petition.pk)
    context["form"] = form
    return private(render(request, template, context, status=400))


def partner_thanks_query(signature) -> str:
    """For a widget signer: the partner's key and, when registered, the page they signed on."""
    if signature is None or signature.widget is None:
        return ""
    params = {"partner": signature.widget.key}
    if signature.embed_origin_registered and signature.embed_origin:
        params["via"] = signature.embed_origin
    return "?" + urlencode(params)


def partner_share(request: HttpRequest, petition, content, hosted_url: str) -> dict | None:
    """Share links to the partner's page for a supporter who signed through its widget."""
    widget = widget_for_key(petition=petition, key=request.GET.get("partner", ""))
    if widget is None:
        return None
    url = partner_page_url(widget=widget, via=request.GET.get("via", ""), hosted_url=hosted_url)
    return {
        "name": widget.partner.name,
        "url": url,
        "links": share_links(url=url, text=content.share_text, subject=content.title),
    }


@require_safe
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(slug)
    if response := offered_or_redirect(campaign, "petitions:thanks"):
        return response
    context = campaign_context(request, campaign, "petitions:thanks")
    context.update(share_context(campaign, context["content"]))
    context["partner_share"] = partner_share(
        request, campaign.petition, context["content"], context["share_url"]
    )
    return public(render(request, "petitions/thanks.html", context))


@require_safe
def share_mastodon(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask for the supporter's Mastodon server, then show a link to its share page.

    Never a redirect: the page names the server the link leads to, so a link to this page
    with someone else's ``instance=`` cannot send a supporter elsewhere unawares.
    """
    campaign = get_campaign(slug)
    context = campaign_context(request, campaign, "petitions:share_mastodon")
    instance = request.GET.get("instance", "")
    if instance:
        host = mastodon_host(instance)
        if host:
            url = absolute_url(reverse("campaign:detail", kwargs={"slug": slug}))
            context["host"] = host
            context["target"] = mastodon_share_url(
                host=host, text=context["content"].share_text, url=url
            )
            return private(render(request, "petitions/share_mastodon.html", context))
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
    context["notice"] = privacy.privacy_notice(campaign)
    context["link_days"] = privacy.retention_days()["links"]
    return public(render(request, "petitions/privacy.html", context))


# Read-only and cookie-free: exempt from CSRF, so a write answers 405 with Allow (not 403).
@csrf_exempt
@require_safe
# Titles come in the campaign's primary language whatever the client asks for.
@same_in_every_language
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
        "is_open": petition.accepts_signatures,
        "updated_at": counts.updated_at.isoformat() if counts.updated_at else None,
    }
    if "partner" in request.GET:
        widget = widget_for_key(petition=petition, key=request.GET["partner"])
        payload["partner"] = (
            {
                "key": widget.key,
                "name": widget.partner.name,
                "signatures": partner_signature_count(petition=petition, partner=widget.partner),
            }
            if widget
            else None
        )
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return public(response, max_age=min(60, settings.PUBLIC_CACHE_SECONDS))


RIGHTS_DONE = {"withdraw": "petitions:withdrawn", "data": "petitions:data_sent"}


def _rights_view(request: HttpRequest, slug: str, token: str, purpose: str) -> HttpResponse:
    """A signed rights link: GET shows a confirm button, POST (same origin) acts."""
    campaign = get_campaign(slug)
    link = read_rights_token(token, purpose=purpose)
    signature = find_signature(public_id=link.public_id) if link.public_id else None
    if signature is not None and signature.petition.campaign_id != campaign.pk:
        signature = None
    context = campaign_context(request, campaign, "campaign:detail")
    context.update({"purpose": purpose, "contact_email": settings.CONTACT_EMAIL})
    if signature is None:
        context["expired"] = link.problem == TokenProblem.EXPIRED
        context["form"] = ResendForm(
            initial={"form_token": make_form_token(petition_id=campaign.petition.pk)}
        )
        return private(render(request, "petitions/rights_problem.html", context, status=400))
    if request.method == "POST":
        if not origin_allowed(request):
            return forbidden_origin(request)
        if purpose == "withdraw":
            withdraw_signature(public_id=signature.public_id)
        else:
            request_data_copy(public_id=signature.public_id)
        return _see_other(reverse(RIGHTS_DONE[purpose], kwargs={"slug": slug}))
    return private(render(request, "petitions/rights.html", context))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    return _rights_view(request, slug, token, "withdraw")


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def data_copy(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    return _rights_view(request, slug, token, "data")


@require_safe
def rights_done(request: HttpRequest, slug: str, purpose: str) -> HttpResponse:
    campaign = get_campaign(slug)
    context = campaign_context(request, campaign, "campaign:detail")
    context["purpose"] = purpose
    return public(render(request, "petitions/rights_done.html", context))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def new_rights_links(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask for fresh withdraw and data-copy links by address; the answer never says if it signed."""
    campaign = get_campaign(slug)
    petition = campaign.petition
    context = campaign_context(request, campaign, "petitions:new_rights_links")
    if (
        answer := _address_form_answer(
            request, petition, context, "petitions/new_rights_links.html"
        )
    ) is not None:
        return answer
    email = _posted_address(request, petition, context, "petitions/new_rights_links.html")
    if isinstance(email, HttpResponse):
        return email
    request_rights_links(petition=petition, email=email)
    return _see_other(reverse("petitions:links_sent", kwargs={"slug": slug}))
