"""The sitemap: every campaign page, and its updates pages, in every language it is offered in,
with hreflang alternates."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from campaign.campaigns.content import offered_languages
from campaign.campaigns.models import Campaign
from campaign.campaigns.updates import public_updates
from campaign.core.links import absolute_url
from campaign.web.discovery import localized_path


class CampaignSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "daily"

    def items(self):
        return list(
            Campaign.objects.public()
            .filter(is_listed=True)
            .prefetch_related("translations")
            .order_by("pk")
        )

    def get_languages_for_item(self, item: Campaign) -> list[str]:
        return offered_languages(item)

    def location(self, item: Campaign) -> str:
        return reverse("campaign:detail", kwargs={"slug": item.slug})

    def get_urls(self, page=1, site=None, protocol=None):
        """Absolute URLs from SITE_URL, and x-default pointing at the primary language."""
        parts = urlsplit(settings.SITE_URL)
        urls = super().get_urls(
            page=page, site=SimpleNamespace(domain=parts.netloc), protocol=parts.scheme
        )
        for url in urls:
            campaign, _language = url["item"]
            path = localized_path("campaign:detail", campaign.primary_language, slug=campaign.slug)
            url["alternates"].append({"location": absolute_url(path), "lang_code": "x-default"})
        return urls


class CampaignListSitemap(Sitemap):
    """The campaign list, in every interface language."""

    i18n = True
    alternates = True
    changefreq = "daily"

    def items(self):
        return ["campaign:list"]

    def location(self, item: str) -> str:
        return reverse(item)

    def get_urls(self, page=1, site=None, protocol=None):
        parts = urlsplit(settings.SITE_URL)
        urls = super().get_urls(
            page=page, site=SimpleNamespace(domain=parts.netloc), protocol=parts.scheme
        )
        for url in urls:
            path = localized_path("campaign:list", settings.LANGUAGE_CODE)
            url["alternates"].append({"location": absolute_url(path), "lang_code": "x-default"})
        return urls


class UpdatesSitemap(Sitemap):
    """Each public campaign's updates page and every published update's permalink, in every
    language the campaign offers, with x-default pointing at the primary language."""

    i18n = True
    alternates = True
    changefreq = "weekly"

    def items(self):
        pages = []
        campaigns = (
            Campaign.objects.public()
            .filter(is_listed=True)
            .prefetch_related("translations")
            .order_by("pk")
        )
        for campaign in campaigns:
            slugs = [update.slug for update in public_updates(campaign=campaign)]
            if slugs:
                pages.append((campaign, ""))
                pages.extend((campaign, slug) for slug in slugs)
        return pages

    def get_languages_for_item(self, item) -> list[str]:
        return offered_languages(item[0])

    def location(self, item) -> str:
        campaign, update_slug = item
        if update_slug:
            return reverse(
                "campaign:update", kwargs={"slug": campaign.slug, "update_slug": update_slug}
            )
        return reverse("campaign:updates", kwargs={"slug": campaign.slug})

    def get_urls(self, page=1, site=None, protocol=None):
        parts = urlsplit(settings.SITE_URL)
        urls = super().get_urls(
            page=page, site=SimpleNamespace(domain=parts.netloc), protocol=parts.scheme
        )
        for url in urls:
            (campaign, update_slug), _language = url["item"]
            kwargs = {"slug": campaign.slug}
            name = "campaign:updates"
            if update_slug:
                kwargs["update_slug"] = update_slug
                name = "campaign:update"
            path = localized_path(name, campaign.primary_language, **kwargs)
            url["alternates"].append({"location": absolute_url(path), "lang_code": "x-default"})
        return urls
