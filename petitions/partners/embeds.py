"""Partner widgets: finding them by key, where they may be embedded, and their snippets.

Signing through a widget is signing.sign_petition, like the hosted form."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from campaign.campaigns.colours import normalise_hex_colour, readable_text_colour
from campaign.campaigns.content import LANGUAGE_NAMES, content_language, offered_languages
from campaign.campaigns.models import Campaign
from petitions.models import Petition, Widget


def widget_for_key(*, petition: Petition, key: str) -> Widget | None:
    """The petition's widget with this public key (with its partner), or None."""
    if not key or len(key) > 64:
        return None
    return Widget.objects.select_related("partner").filter(petition=petition, key=key).first()


def normalise_origin(value: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL or origin, lower-cased; "" when not one."""
    try:
        parts = urlsplit((value or "").strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not host or len(value) > 2000:
        return ""
    if not all(ch.isalnum() or ch in ".-:[]" for ch in host):
        return ""
    default_port = {"http": 80, "https": 443}[parts.scheme]
    suffix = f":{port}" if port and port != default_port else ""
    return f"{parts.scheme}://{host}{suffix}"[:255]


def host_registered(*, widget: Widget, host: str) -> bool:
    """Whether ``host`` is one of the widget's domains (``*.example.org`` covers subdomains)."""
    host = host.lower().rstrip(".")
    for domain in widget.allowed_domains:
        domain = domain.strip().lower().rstrip(".")
        if domain.startswith("*."):
            if host.endswith(domain[1:]):
                return True
        elif host == domain:
            return True
    return False


def origin_registered(*, widget: Widget, origin: str) -> bool:
    return bool(origin) and host_registered(widget=widget, host=urlsplit(origin).hostname or "")


def partner_page_url(*, widget: Widget, via: str, hosted_url: str) -> str:
    """The page to share for a supporter who signed through the widget: the page they signed
    on when it is registered, else the partner's website, else our page with the partner key."""
    via = normalise_origin(via)
    if via and origin_registered(widget=widget, origin=via):
        return via + "/"
    if widget.partner.website:
        return widget.partner.website
    return f"{hosted_url}?{urlencode({'partner': widget.key})}"


def frame_ancestors(widget: Widget) -> str:
    """The CSP frame-ancestors sources: our own pages (the preview) and the widget's domains."""
    sources = ["'self'"]
    for domain in widget.allowed_domains:
        domain = domain.strip().lower()
        if domain and all(ch.isalnum() or ch in ".-*[]:" for ch in domain):
            sources += [f"http://{domain}:*", f"https://{domain}:*"]
    return " ".join(sources)


def widget_language(*, widget: Widget, campaign: Campaign, requested: str) -> str:
    """The asked-for language when the campaign offers it, else the widget's, else the nearest
    offered one to the asked-for language (see campaign.campaigns.content.content_language)."""
    offered = offered_languages(campaign)
    for code in ((requested or "").lower(), widget.language):
        if code in offered:
            return code
    return content_language(campaign, requested or widget.language)


@dataclass(frozen=True)
class Accent:
    colour: str
    text: str  # black or white, whichever reads better on the accent colour


def accent_colours(value: str) -> Accent | None:
    """A validated ``#rrggbb`` accent and a readable text colour for it, or None."""
    colour = normalise_hex_colour(value)
    if colour is None:
        return None
    return Accent(colour, readable_text_colour(colour))


def embed_snippets(
    *, widget: Widget, language: str = "", accent: str = "", compact: bool = False
) -> dict[str, str]:
    """The three ways to embed a widget (script, plain iframe, link) as HTML to paste, and
    the URL of a preview frame."""
    slug = widget.petition.campaign.slug
    base = settings.SITE_URL
    attrs = f' data-partner="{widget.key}"'
    params = {"partner": widget.key}
    if language in LANGUAGE_NAMES:
        attrs += f' data-lang="{language}"'
        params["lang"] = language
    if colour := accent_colours(accent):
        attrs += f' data-accent="{colour.colour}"'
        params["accent"] = colour.colour
    if compact:
        attrs += ' data-compact="1"'
        params["compact"] = "1"
    frame_url = f"{base}/embed/{slug}/?{urlencode(params)}"
    hosted_language = language if language in LANGUAGE_NAMES else widget.language
    with translation.override(hosted_language):
        hosted = base + reverse("campaign:detail", kwargs={"slug": slug})
        link_text = _("Sign the petition")
        title = _("Petition")
    return {
        "script": f'<script src="{base}/embed/{slug}.js"{attrs} async></script>',
        "iframe": (
            f'<iframe src="{escape(frame_url)}" title="{title}" '
            'style="width:100%;max-width:40em;height:720px;border:0"></iframe>'
        ),
        "link": f'<a href="{hosted}?{urlencode({"partner": widget.key})}">{link_text}</a>',
        "preview_url": frame_url,
    }
