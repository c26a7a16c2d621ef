"""Unsubscribing from update emails: the link in each email and its List-Unsubscribe header.

A mail client's one-click unsubscribe (RFC 8058) POSTs ``List-Unsubscribe=One-Click`` to the
header's URL, with no cookie and no page: it is answered at once with a short 200. A person
who opens the visible link gets a page with a button (GET never unsubscribes, so link scanners
change nothing), which POSTs and leads to a page that confirms it. No cookie is set anywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from campaign.campaigns.content import get_campaign
from campaign.public.pages import campaign_context
from campaign.public.petition import forbidden_origin
from campaign.web.http import origin_allowed, private, public
from petitions.mailings.unsubscribe import unsubscribe as unsubscribe_signature
from petitions.signing.confirmation import find_signature
from petitions.tokens import TokenProblem, read_rights_token


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    link = read_rights_token(token, purpose="unsubscribe")
    signature = find_signature(public_id=link.public_id) if link.public_id else None
    if signature is not None and signature.petition.campaign.slug != slug:
        signature = None
    one_click = request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"
    if one_click:
        # RFC 8058: the mail provider's POST, answered plainly and quickly, never redirected.
        if signature is not None:
            unsubscribe_signature(public_id=signature.public_id)
        status = 200 if signature is not None else 400
        text = "Unsubscribed.\n" if signature is not None else "This link does not work.\n"
        return private(HttpResponse(text, status=status, content_type="text/plain"))
    campaign = get_campaign(slug)
    context = campaign_context(request, campaign, "campaign:detail")
    context["contact_email"] = settings.CONTACT_EMAIL
    if signature is None:
        context["expired"] = link.problem == TokenProblem.EXPIRED
        return private(render(request, "petitions/unsubscribe_problem.html", context, status=400))
    if request.method == "POST":
        if not origin_allowed(request):
            return forbidden_origin(request)
        unsubscribe_signature(public_id=signature.public_id)
        response = HttpResponse(status=303)
        response["Location"] = reverse("petitions:unsubscribed", kwargs={"slug": slug})
        return private(response)
    return private(render(request, "petitions/unsubscribe.html", context))


@require_safe
def unsubscribed(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(slug)
    context = campaign_context(request, campaign, "campaign:detail")
    return public(render(request, "petitions/unsubscribed.html", context))
