"""The partner widget: the loader script, the framed sign form and its "check your email" page.

Everything here works with third-party cookies blocked: no view sets a cookie; the form carries
a signed token naming its widget instead of a CSRF cookie, and POSTs must come from our own
origin. The frame is the same for everyone who asks for the same URL (and, for a plain iframe,
from the same embedding page), so a CDN and the server cache keep it like the campaign page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from campaign.campaigns.content import campaign_translation
from campaign.campaigns.models import Campaign
from campaign.public.pages import get_campaign, progress_percent
from campaign.public.petition import (
    FORMLESS_REFUSALS,
    REFUSAL_STATUS,
    link_attribution,
    refusal_notice,
    signing_client,
)
from campaign.web.http import (
    origin_allowed,
    private,
    public,
    same_in_every_language,
    served_from_cache,
)
from petitions.consents import partner_consent_text
from petitions.models import Widget
from petitions.partners.embeds import (
    Accent,
    accent_colours,
    frame_ancestors,
    normalise_origin,
    origin_registered,
    widget_for_key,
    widget_language,
)
from petitions.reporting.counting import petition_counts
from petitions.signing.forms import HONEYPOT_FIELD, SignatureForm
from petitions.signing.service import Embedding, sign_petition
from petitions.tokens import check_widget_token, make_widget_token

LOADER_PATH = settings.BASE_DIR / "static" / "js" / "embed-loader.js"


@cache
def loader_source() -> bytes:
    return LOADER_PATH.read_bytes()


@require_safe
@same_in_every_language
def loader(request: HttpRequest, slug: str) -> HttpResponse:
    """The same few hundred bytes for every page and partner, so any CDN can cache them."""
    if not Campaign.objects.public().filter(slug=slug).exists():
        raise Http404
    response = HttpResponse(loader_source(), content_type="text/javascript; charset=utf-8")
    return public(response, max_age=3600)


@dataclass(frozen=True)
class FrameOptions:
    """How a partner's page asked for the widget; carried in every URL inside the frame."""

    widget: Widget
    language: str
    accent: Accent | None
    compact: bool
    origin: str
    source: str
    ref: str

    def query(self) -> str:
        params = {"partner": self.widget.key, "lang": self.language}
        if self.accent:
            params["accent"] = self.accent.colour
        if self.compact:
            params["compact"] = "1"
        for name in ("origin", "source", "ref"):
            if value := getattr(self, name):
                params[name] = value
        return urlencode(params)


def referer_origin(request: HttpRequest) -> str:
    """The embedding page's origin for a plain <iframe> (the loader passes ``origin`` itself),
    from the Referer header; "" when the loader passed it or the frame reloads itself."""
    if "origin" in request.GET:
        return ""
    origin = normalise_origin(request.headers.get("Referer", ""))
    return "" if origin == normalise_origin(settings.SITE_URL) else origin


def frame_options(request: HttpRequest, campaign: Campaign) -> FrameOptions:
    widget = widget_for_key(petition=campaign.petition, key=request.GET.get("partner", ""))
    if widget is None:
        raise Http404
    return FrameOptions(
        widget=widget,
        language=widget_language(
            widget=widget, campaign=campaign, requested=request.GET.get("lang", "")
        ),
        accent=accent_colours(request.GET.get("accent", "")),
        compact=request.GET.get("compact", "") not in ("", "0", "false"),
        origin=normalise_origin(request.GET.get("origin", "")) or referer_origin(request),
        source=request.GET.get("source", "")[:64],
        ref=request.GET.get("ref", "")[:64],
    )


def frame_response(
    response: HttpResponse, widget: Widget, *, cacheable: bool = False
) -> HttpResponse:
    """The widget's own security policy: only the registered domains may frame it.

    A cacheable answer is public (the server cache keeps it with this header, so every copy
    names its own partner's domains); the others are for this client only.
    """
    response["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"frame-ancestors {frame_ancestors(widget)}; form-action 'self'; base-uri 'none'"
    )
    return public(response) if cacheable else private(response)


def render_frame(
    request: HttpRequest,
    campaign: Campaign,
    options: FrameOptions,
    *,
    template: str = "petitions/embed/frame.html",
    form: SignatureForm | None = None,
    notice: str = "",
    status: int = 200,
    cacheable: bool = False,
) -> HttpResponse:
    """The frame page; ``cacheable`` for a GET whose bytes depend only on the request's URL
    and ``referer_origin`` (no per-view state: the token is the same for the whole window)."""
    petition = campaign.petition
    if form is None:
        form = SignatureForm(
            region_kind=campaign.region_kind,
            region_country=campaign.region_country,
            initial={"country": campaign.subdivision_country},
        )
    token = make_widget_token(widget_id=options.widget.pk)
    form.initial["form_token"] = token
    if form.is_bound:
        form.data = form.data.copy()
        form.data["form_token"] = token
    counts = petition_counts(petition_id=petition.pk)
    query = options.query()
    with translation.override(options.language):
        hosted_path = reverse("campaign:detail", kwargs={"slug": campaign.slug})
        context = {
            "campaign": campaign,
            "petition": petition,
            "content": campaign_translation(campaign, options.language),
            "counts": counts,
            "progress": progress_percent(counts, petition.goal),
            "options": options,
            "partner": options.widget.partner,
            "form": form,
            "notice": notice,
            "query": query,
            "partner_consent_label": partner_consent_text(options.widget.partner),
            "hosted_url": f"{hosted_path}?{urlencode({'partner': options.widget.key})}",
            "honeypot_field": HONEYPOT_FIELD,
            "pow_bits": settings.POW_DIFFICULTY_BITS,
        }
        response = render(request, template, context, status=status)
    response["Content-Language"] = options.language
    if cacheable and "origin" not in request.GET:
        patch_vary_headers(response, ["Referer"])  # a plain iframe's origin comes from it
    return frame_response(response, options.widget, cacheable=cacheable)


@xframe_options_exempt
@require_safe
@same_in_every_language  # the language is the frame's `lang`, not the visitor's Accept-Language
@served_from_cache(key_extra=referer_origin)
def frame(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(slug)
    return render_frame(request, campaign, frame_options(request, campaign), cacheable=True)


@csrf_exempt
@xframe_options_exempt
@require_POST
@same_in_every_language
def frame_sign(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(slug, recent=True)
    options = frame_options(request, campaign)
    with translation.override(options.language):
        if not origin_allowed(request):
            return render_frame(
                request,
                campaign,
                options,
                template="petitions/embed/message.html",
                notice=_("For your safety we only accept signatures sent from this form."),
                status=403,
            )
        form = SignatureForm(
            request.POST, region_kind=campaign.region_kind, region_country=campaign.region_country
        )
        problem = check_widget_token(
            request.POST.get("form_token", ""), widget_id=options.widget.pk
        )
        client = signing_client(request, problem)
        data = form.cleaned_data if form.is_valid() else None
        outcome = sign_petition(
            campaign=campaign,
            data=data,
            client=client,
            language=options.language,
            widget=options.widget,
            embedding=Embedding(
                options.origin, origin_registered(widget=options.widget, origin=options.origin)
            ),
            **link_attribution(request, data),
        )
        if outcome.refusal is not None:
            return render_frame(
                request,
                campaign,
                options,
                form=None if outcome.refusal in FORMLESS_REFUSALS else form,
                notice=refusal_notice(outcome.refusal, client),
                status=REFUSAL_STATUS.get(outcome.refusal, 400),
            )
    sent_url = reverse("embed_sent", kwargs={"slug": slug}) + "?" + options.query()
    return frame_response(see_other(sent_url), options.widget)


def see_other(location: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = location
    return response


@xframe_options_exempt
@require_safe
@same_in_every_language
@served_from_cache(key_extra=referer_origin)
def frame_sent(request: HttpRequest, slug: str) -> HttpResponse:
    """Inside the frame after signing: check your email."""
    campaign = get_campaign(slug)
    options = frame_options(request, campaign)
    return render_frame(
        request, campaign, options, template="petitions/embed/sent.html", cacheable=True
    )
