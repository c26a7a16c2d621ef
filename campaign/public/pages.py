"""Public campaign pages: the list, a campaign with its petition form, health and the icon."""

from __future__ import annotations

import functools
import re
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from campaign.campaigns.colours import HEX_COLOUR
from campaign.campaigns.content import (
    LANGUAGE_NAMES,
    campaign_translation,
    content_language,
    get_campaign,
    is_unreviewed,
    offered_languages,
)
from campaign.campaigns.images import hero_picture, with_logos
from campaign.campaigns.models import Campaign, Role
from campaign.campaigns.sections import page_sections
from campaign.campaigns.share_images import image_version, share_image
from campaign.campaigns.updates import public_updates_in
from campaign.core.links import absolute_url
from campaign.public.sharing import share_links
from campaign.web.access import require_role
from campaign.web.discovery import hreflang, localized_path, og_locale
from campaign.web.http import private, public, same_in_every_language, served_from_cache
from petitions.reporting.counting import PetitionCounts, petition_counts
from petitions.reporting.maps import tile_map
from petitions.signing.forms import HONEYPOT_FIELD, SignatureForm
from petitions.tokens import make_form_token

ATTRIBUTION_PARAMS = ("partner", "source", "ref")
FAVICON_PATH = settings.BASE_DIR / "static" / "img" / "favicon.ico"


@same_in_every_language
def healthz(request: HttpRequest) -> HttpResponse:
    """Answers without touching the database, for load balancers."""
    response = HttpResponse("ok\n", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


@functools.cache
def favicon_bytes() -> bytes:
    return FAVICON_PATH.read_bytes()


@require_safe
@same_in_every_language
def favicon(request: HttpRequest) -> HttpResponse:
    """The icon browsers and crawlers ask for at this fixed path; pages also link an SVG one."""
    response = HttpResponse(favicon_bytes(), content_type="image/x-icon")
    return public(response, max_age=86400)


def language_links(campaign: Campaign, url_name: str, **kwargs) -> list[dict]:
    """The same page in each language the campaign offers (the language menu, hreflang);
    ``kwargs``: the URL's arguments besides the slug."""
    links = []
    for code in offered_languages(campaign):
        path = localized_path(url_name, code, slug=campaign.slug, **kwargs)
        links.append(
            {
                "code": code,
                "name": LANGUAGE_NAMES[code],
                "path": path,
                "url": absolute_url(path),
                "hreflang": hreflang(code),
                "og_locale": og_locale(code),
            }
        )
    return links


def share_call() -> str:
    """The call to action drawn on the share image, in the active language."""
    return _("Sign the petition")


def share_image_url(campaign: Campaign, content, language: str) -> str:
    version = image_version(hashtag=campaign.hashtag, title=content.title, call=share_call())
    path = localized_path("campaign:share_image", language, slug=campaign.slug)
    return absolute_url(f"{path}?v={version}")


ACCENT_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
ACCENT_STYLESHEET_MAX = 50


def accent_stylesheet_url(campaigns) -> str:
    """The stylesheet that gives each campaign's pages and cards its accent colour.

    The colours travel in the query (``?<slug>=<rrggbb>``), so the stylesheet is a function of
    its URL alone: cached for a year, never stale (a new colour is a new URL), and the
    Content-Security-Policy stays ``style-src 'self'`` without inline styles.
    """
    pairs = sorted((c.slug, c.accent_color.removeprefix("#")) for c in campaigns)
    return reverse("accent_stylesheet") + "?" + urlencode(pairs)


@require_safe
@same_in_every_language
def accent_stylesheet(request: HttpRequest) -> HttpResponse:
    """``.accent-<slug> { --accent: #rrggbb }`` for each well-formed pair of the query; the
    rest is ignored, so no text of the URL but a slug and six hex digits reaches the CSS."""
    rules = []
    for slug, digits in list(request.GET.items())[:ACCENT_STYLESHEET_MAX]:
        colour = f"#{digits}"
        if ACCENT_SLUG.match(slug) and HEX_COLOUR.match(colour):
            rules.append(f".accent-{slug}{{--accent:{colour}}}\n")
    response = HttpResponse("".join(rules), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def progress_percent(counts: PetitionCounts, goal: int) -> int:
    """How far the count is towards the goal, in whole percent, at most 100."""
    return min(100, round(100 * counts.total / goal)) if goal else 100


def share_context(campaign: Campaign, content) -> dict:
    """The campaign page's address and the plain links that share it."""
    url = absolute_url(reverse("campaign:detail", kwargs={"slug": campaign.slug}))
    return {
        "share_url": url,
        "share_links": share_links(url=url, text=content.share_text, subject=content.title),
    }


def campaign_context(request: HttpRequest, campaign: Campaign, url_name: str) -> dict:
    language = translation.get_language()
    petition = campaign.petition
    counts = petition_counts(petition_id=petition.pk)
    content = campaign_translation(campaign, language)
    languages = language_links(campaign, url_name)
    return {
        "campaign": campaign,
        "petition": petition,
        "content": content,
        "unreviewed": is_unreviewed(campaign, content),
        "counts": counts,
        "progress": progress_percent(counts, petition.goal),
        "accent_css_url": accent_stylesheet_url([campaign]),
        "languages": languages,
        "canonical_url": absolute_url(localized_path(url_name, language, slug=campaign.slug)),
        "x_default_url": next(
            (link["url"] for link in languages if link["code"] == campaign.primary_language), ""
        ),
        "og_locale": og_locale(language),
        "share_image_url": share_image_url(campaign, content, language),
        # Lazy: only the pages that show them read the images' rows (none without images).
        "coalition": SimpleLazyObject(
            lambda: with_logos([p for p in campaign.partners.all() if p.is_listed])
        ),
        "hero": SimpleLazyObject(lambda: hero_picture(campaign=campaign, alt=content.hero_alt)),
        "latest_updates": public_updates_in(campaign=campaign, language=language, limit=3),
    }


def offered_or_redirect(campaign: Campaign, url_name: str, **kwargs) -> HttpResponse | None:
    """Send a visitor to the nearest offered language when the campaign has none of theirs:
    a variant of it (pt-br → pt), else English, else the primary language."""
    language = content_language(campaign, translation.get_language())
    if language == translation.get_language():
        return None
    with translation.override(language):
        return redirect(reverse(url_name, kwargs={"slug": campaign.slug, **kwargs}))


def render_campaign_page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    form: SignatureForm | None = None,
    status: int = 200,
    notice: str = "",
    preview: bool = False,
) -> HttpResponse:
    petition = campaign.petition
    if form is None:
        initial = {"country": campaign.subdivision_country}
        # Attribution from links such as /en/<slug>/?partner=<key>&source=newsletter.
        initial.update({name: request.GET.get(name, "")[:64] for name in ATTRIBUTION_PARAMS})
        form = SignatureForm(
            region_kind=campaign.region_kind,
            region_country=campaign.region_country,
            initial=initial,
        )
    form.initial["form_token"] = make_form_token(petition_id=petition.pk)
    if form.is_bound:
        form.data = form.data.copy()
        form.data["form_token"] = form.initial["form_token"]
    context = campaign_context(request, campaign, "campaign:detail")
    context.update(share_context(campaign, context["content"]))
    context.update(
        {
            "map": tile_map(
                region_kind=campaign.region_kind,
                region_country=campaign.region_country,
                counts=context["counts"],
                accent=campaign.accent_color,
                language=translation.get_language(),
            ),
            "form": form,
            "notice": notice,
            "pow_bits": settings.POW_DIFFICULTY_BITS,
            "honeypot_field": HONEYPOT_FIELD,
            "preview": preview,
            # Parsed and rendered once here; the page is then served from the cache.
            "sections": page_sections(context["content"], translation.get_language()),
        }
    )
    return render(request, "campaign/detail.html", context, status=status)


def site_language_links(url_name: str) -> list[dict]:
    """Links to a page that exists in every interface language (the campaign list)."""
    links = []
    for code, name in settings.LANGUAGES:
        path = localized_path(url_name, code)
        links.append(
            {
                "code": code,
                "name": name,
                "path": path,
                "url": absolute_url(path),
                "hreflang": hreflang(code),
                "og_locale": og_locale(code),
            }
        )
    return links


@require_safe
@served_from_cache
def campaign_list(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    campaigns = (
        Campaign.objects.public()
        .filter(is_listed=True)
        .select_related("petition")
        .prefetch_related("translations")
    )
    items = []
    for campaign in campaigns:
        counts = petition_counts(petition_id=campaign.petition.pk)
        items.append(
            {
                "campaign": campaign,
                "petition": campaign.petition,
                "content": campaign_translation(campaign, language),
                "counts": counts,
                "progress": progress_percent(counts, campaign.petition.goal),
            }
        )
    context = {
        "items": items,
        "accent_css_url": accent_stylesheet_url(campaigns) if campaigns else "",
        "languages": site_language_links("campaign:list"),
        "canonical_url": absolute_url(localized_path("campaign:list", language)),
        "x_default_url": absolute_url(localized_path("campaign:list", settings.LANGUAGE_CODE)),
    }
    return public(render(request, "campaign/index.html", context))


@require_safe
@served_from_cache
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_campaign(slug)
    if response := offered_or_redirect(campaign, "campaign:detail"):
        return response
    return public(render_campaign_page(request, campaign))


@require_safe
@require_role(Role.OWNER)
def campaign_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign page as the public will see it, for its owners only, published or not:
    never cached, marked as a preview, kept out of search engines."""
    campaign = get_campaign(slug, drafts=True)
    language = content_language(campaign, translation.get_language())
    with translation.override(language):
        response = render_campaign_page(request, campaign, preview=True)
    response["X-Robots-Tag"] = "noindex"
    return private(response)


@require_safe
def campaign_share_image(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's 1200×630 share image in the page language; cached long when versioned."""
    campaign = get_campaign(slug)
    if response := offered_or_redirect(campaign, "campaign:share_image"):
        return response
    language = translation.get_language()
    content = campaign_translation(campaign, language)
    fields = {"hashtag": campaign.hashtag, "title": content.title, "call": share_call()}
    data = share_image(slug=campaign.slug, language=language, **fields)
    response = HttpResponse(data, content_type="image/png")
    if request.GET.get("v") == image_version(**fields):
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "public, max-age=86400"
    return response
