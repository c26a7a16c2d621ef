"""The partner widget: the loader script, the framed sign form and its "check your email" page.

Everything here works with third-party cookies blocked: no view sets a cookie; the form carries
a signed one-time token instead of a CSRF cookie, and POSTs must come from our own origin.
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
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from campaign.content import campaign_translation
from campaign.models import Campaign
from campaign.views import get_campaign
from petitions.abuse import hold_reason
from petitions.consents import consent_text_id
from petitions.counting import petition_counts
from petitions.forms import HONEYPOT_FIELD, SignatureForm, signer_fields
from petitions.models import Widget
from petitions.tokens import TokenProblem, make_widget_token, read_widget_token
from petitions.views import partner_consent_text, shown_consent_ids
from petitions.web import client_ip_hash, origin_allowed, private, public, same_in_every_language
from petitions.widgets import (
    Accent,
    accent_colours,
    frame_ancestors,
    normalise_origin,
    sign_through_widget,
    widget_for_key,
    widget_language,
)

LOADER_PATH = settings.BASE_DIR / "static" / "js" / "embed-loader.js"


@cache
def loader_source() -> bytes:
    return LOADER_PATH.read_bytes()


@require_safe
@same_in_every_language
def loader(request: HttpRequest, slug: str) -> HttpResponse:
    """The same few hundred bytes for every page and partner, so any CDN can cache them."""
    if not Campaign.objects.filter(slug=slug).exists():
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


def frame_options(request: HttpRequest, campaign: Campaign) -> FrameOptions:
    widget = widget_for_key(petition=campaign.petition, key=request.GET.get("partner", ""))
    if widget is None:
        raise Http404
    # Without the loader (a plain <iframe>), the embedding page shows in the Referer header.
    origin = normalise_origin(request.GET.get("origin", "")) or normalise_origin(
        request.headers.get("Referer", "")
    )
    if origin == normalise_origin(settings.SITE_URL) and "origin" not in request.GET:
        origin = ""  # our own preview or the frame reloading itself
    return FrameOptions(
        widget=widget,
        language=widget_language(
            widget=widget, campaign=campaign, requested=request.GET.get("lang", "")
        ),
        accent=accent_colours(request.GET.get("accent", "")),
        compact=request.GET.get("compact", "") not in ("", "0", "false"),
        origin=origin,
        source=request.GET.get("source", "")[:64],
        ref=request.GET.get("ref", "")[:64],
    )


def frame_response(response: HttpResponse, widget: Widget) -> HttpResponse:
    """The widget's own security policy: only the registered domains may frame it."""
    response["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"frame-ancestors {frame_ancestors(widget)}; form-action 'self'; base-uri 'none'"
    )
    return private(response)


def render_frame(
    request: HttpRequest,
    campaign: Campaign,
    options: FrameOptions,
    *,
    template: str = "petitions/embed/frame.html",
    form: SignatureForm | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    petition = campaign.petition
    if form is None:
        form = SignatureForm(
            region_kind=campaign.region_kind,
            initial={"country": "BR" if campaign.region_kind == "br_state" else ""},
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
            "progress": min(100, round(100 * counts.total / petition.goal)),
            "options": options,
            "partner": options.widget.partner,
            "form": form,
            "notice": notice,
            "query": query,
            "partner_consent_label": partner_consent_text(options.widget.partner),
            "hosted_url": f"{hosted_path}?{urlencode({'partner': options.widget.key})}",
            "honeypot_field": HONEYPOT_FIELD,
        }
        response = render(request, template, context, status=status)
    response["Content-Language"] = options.language
    return frame_response(response, options.widget)


@xframe_options_exempt
@require_safe
@same_in_every_language  # the language is the frame's `lang`, not the visitor's Accept-Language
def frame(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(slug)
    return render_frame(request, campaign, frame_options(request, campaign))


def token_notice(problem: TokenProblem) -> str:
    return {
        TokenProblem.EXPIRED: _(
            "This form was open for too long. Please check your details and send it again."
        ),
        TokenProblem.INVALID: _(
            "This form could not be verified. Please check your details and send it again."
        ),
        TokenProblem.REPLAYED: _(
            "This form was already sent. If you have not signed yet, please send it again."
        ),
    }[problem]


@csrf_exempt
@xframe_options_exempt
@require_POST
@same_in_every_language
def frame_sign(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(slug)
    petition = campaign.petition
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
        sent_url = reverse("embed_sent", kwargs={"slug": slug}) + "?" + options.query()
        if request.POST.get(HONEYPOT_FIELD):
            return frame_response(see_other(sent_url), options.widget)  # a bot: store nothing
        form = SignatureForm(request.POST, region_kind=campaign.region_kind)
        if not petition.is_open:
            notice = _("Signing is paused for this petition.")
            return render_frame(request, campaign, options, notice=notice, status=403)
        token = read_widget_token(request.POST.get("form_token", ""), widget_id=options.widget.pk)
        if isinstance(token, TokenProblem):
            form.is_valid()
            notice = token_notice(token)
            return render_frame(request, campaign, options, form=form, notice=notice, status=400)
        if not form.is_valid():
            return render_frame(request, campaign, options, form=form, status=400)

        language = options.language
        data = form.cleaned_data
        text_ids = shown_consent_ids(campaign, language, updates=data["updates_opt_in"])
        partner_text_id = None
        if data["partner_opt_in"]:
            text = partner_consent_text(options.widget.partner)
            partner_text_id = consent_text_id(kind="partner", language=language, text=text)
        ip_hash = client_ip_hash(request)
        # The same abuse checks as the hosted form: over a limit, the signature is held.
        held_reason = hold_reason(
            petition_id=petition.pk,
            ip_hash=ip_hash,
            email=data["email"],
            form_token="",
            honeypot="",
        )
        outcome = sign_through_widget(
            widget=options.widget,
            nonce=token.nonce,
            embed_origin=options.origin,
            **signer_fields(data, locale=language),
            consent_text_ids=text_ids,
            partner_consent_text_id=partner_text_id,
            source=options.source,
            ref=options.ref,
            ip_hash=ip_hash,
            held_reason=held_reason,
        )
        if outcome is None:
            notice = token_notice(TokenProblem.REPLAYED)
            return render_frame(request, campaign, options, form=form, notice=notice, status=400)
    return frame_response(see_other(sent_url), options.widget)


def see_other(location: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = location
    return response


@xframe_options_exempt
@require_safe
@same_in_every_language
def frame_sent(request: HttpRequest, slug: str) -> HttpResponse:
    """Inside the frame after signing: check your email."""
    campaign = get_campaign(slug)
    options = frame_options(request, campaign)
    return render_frame(request, campaign, options, template="petitions/embed/sent.html")
