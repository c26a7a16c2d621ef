"""A campaign's published updates for the public: the updates page, one update's permalink, and
the Atom feed per campaign and language.

Which updates are public, and in which language a reader sees each, is decided in
campaign/campaigns/updates.py. Like the campaign page, these answers set no cookie, are
publicly cacheable, 404 for a draft or an unpublished campaign, and send a reader of a language
the campaign does not offer to the nearest one it does.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from campaign.campaigns.content import (
    campaign_translation,
    get_campaign,
)
from campaign.campaigns.models import Campaign
from campaign.campaigns.updates import (
    PublicUpdate,
    public_update,
    public_updates,
    public_updates_in,
)
from campaign.core import markup
from campaign.core.links import absolute_url
from campaign.public.pages import language_links, offered_or_redirect
from campaign.web.discovery import hreflang, localized_path
from campaign.web.http import public, served_from_cache


def feed_url(campaign: Campaign, language: str) -> str:
    return absolute_url(localized_path("campaign:updates_feed", language, slug=campaign.slug))


def page_context(campaign: Campaign, url_name: str, **kwargs) -> dict:
    language = translation.get_language()
    languages = language_links(campaign, url_name, **kwargs)
    content = campaign_translation(campaign, language)
    return {
        "campaign": campaign,
        "content": content,
        "languages": languages,
        "canonical_url": absolute_url(
            localized_path(url_name, language, slug=campaign.slug, **kwargs)
        ),
        "x_default_url": next(
            (link["url"] for link in languages if link["code"] == campaign.primary_language), ""
        ),
        "campaign_url": absolute_url(
            localized_path("campaign:detail", language, slug=campaign.slug)
        ),
        "updates_url": absolute_url(
            localized_path("campaign:updates", language, slug=campaign.slug)
        ),
        "feed_url": feed_url(campaign, language),
    }


@require_safe
@served_from_cache
def updates_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Every published update of the campaign, newest first, each with its anchor."""
    campaign = get_campaign(slug)
    if response := offered_or_redirect(campaign, "campaign:updates"):
        return response
    context = page_context(campaign, "campaign:updates")
    context["updates"] = public_updates_in(campaign=campaign, language=translation.get_language())
    return public(render(request, "campaign/updates.html", context))


@require_safe
@served_from_cache
def update_page(request: HttpRequest, slug: str, update_slug: str) -> HttpResponse:
    """One published update: its permalink."""
    campaign = get_campaign(slug)
    if response := offered_or_redirect(campaign, "campaign:update", update_slug=update_slug):
        return response
    found = public_updates(campaign=campaign).filter(slug=update_slug).first()
    if found is None:
        raise Http404
    context = page_context(campaign, "campaign:update", update_slug=update_slug)
    context["item"] = public_update(campaign, found, translation.get_language())
    return public(render(request, "campaign/update.html", context))


class UpdatesAtom(Atom1Feed):
    """Django's Atom 1.0 writer with what RFC 4287 readers use beyond it: each entry's
    language (it may differ from the feed's: a fallback), its full text as ``content``, and a
    stable ``updated`` for a feed without entries (the campaign's publication)."""

    def item_attributes(self, item):
        return {**super().item_attributes(item), "xml:lang": item["language"]}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})

    def latest_post_date(self):
        if not self.items:
            return self.feed["empty_updated"]
        return super().latest_post_date()


class UpdatesFeed(Feed):
    """The Atom feed of a campaign's updates in one language (``obj`` is the campaign)."""

    feed_type = UpdatesAtom

    def get_object(self, request: HttpRequest, slug: str) -> Campaign:
        return get_campaign(slug)

    def title(self, obj: Campaign) -> str:
        content = campaign_translation(obj, translation.get_language())
        return _("Updates: %(title)s") % {"title": content.title}

    def subtitle(self, obj: Campaign) -> str:
        return campaign_translation(obj, translation.get_language()).lead

    def link(self, obj: Campaign) -> str:
        return absolute_url(
            localized_path("campaign:updates", translation.get_language(), slug=obj.slug)
        )

    def feed_url(self, obj: Campaign) -> str:
        return feed_url(obj, translation.get_language())

    def feed_guid(self, obj: Campaign) -> str:
        return self.feed_url(obj)

    def get_feed(self, obj: Campaign, request: HttpRequest):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = hreflang(translation.get_language())  # pt-br → pt-BR
        return feed

    def author_name(self, obj: Campaign) -> str:
        return obj.hashtag

    def author_link(self, obj: Campaign) -> str:
        return absolute_url(
            localized_path("campaign:detail", translation.get_language(), slug=obj.slug)
        )

    def feed_extra_kwargs(self, obj: Campaign) -> dict:
        return {"empty_updated": obj.published_at}

    def items(self, obj: Campaign) -> list[PublicUpdate]:
        return public_updates_in(campaign=obj, language=translation.get_language())

    def item_title(self, item: PublicUpdate) -> str:
        return item.title

    def item_description(self, item: PublicUpdate) -> str:
        """The first paragraph, as the summary (sanitised HTML, like the page)."""
        paragraphs = markup.split_paragraphs(item.body)
        return str(markup.render(paragraphs[0] if paragraphs else ""))

    def item_link(self, item: PublicUpdate) -> str:
        return absolute_url(
            localized_path(
                "campaign:update",
                translation.get_language(),
                slug=item.update.campaign.slug,
                update_slug=item.slug,
            )
        )

    def item_guid(self, item: PublicUpdate) -> str:
        return self.item_link(item)

    def item_guid_is_permalink(self, item: PublicUpdate) -> bool:
        return True

    def item_pubdate(self, item: PublicUpdate):
        return item.published_at

    def item_updateddate(self, item: PublicUpdate):
        return item.updated_at

    def item_extra_kwargs(self, item: PublicUpdate) -> dict:
        return {"language": hreflang(item.language), "content": str(markup.render(item.body))}


updates_feed_view = UpdatesFeed()


@require_safe
@served_from_cache
def updates_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The Atom feed of the campaign's updates in the URL's language."""
    campaign = get_campaign(slug)
    if response := offered_or_redirect(campaign, "campaign:updates_feed"):
        return response
    return public(updates_feed_view(request, slug=slug))
