"""Reading a campaign's organizer-written content in a language, with fallback."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import Http404

from campaign.models import Campaign, CampaignTranslation

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def campaign_translation(campaign: Campaign, language: str) -> CampaignTranslation:
    """The campaign's content in ``language``, else in its primary language."""
    # Indexed once per prefetched campaign (the sign path asks on every signature); as stale
    # as the prefetched rows themselves, no more.
    rows = campaign.__dict__.get("_translations_by_language")
    if rows is None:
        rows = {t.language: t for t in campaign.translations.all()}
        if "translations" in getattr(campaign, "_prefetched_objects_cache", {}):
            campaign.__dict__["_translations_by_language"] = rows
    return rows.get(language) or rows[campaign.primary_language]


def offered_languages(campaign: Campaign) -> list[str]:
    """The languages the campaign has content in, the primary one first, then by code."""
    codes = {t.language for t in campaign.translations.all()}
    return sorted(codes, key=lambda code: (code != campaign.primary_language, code))


# slug -> (expires at, campaign): the sign path's per-process copy, see get_campaign.
_recent_campaigns: dict[str, tuple[float, Campaign]] = {}


def get_campaign(slug: str, *, recent: bool = False) -> Campaign:
    """The campaign with its petition and translations, or 404.

    With ``recent``, a copy up to CAMPAIGN_CACHE_SECONDS old may be returned from this
    process's memory: the sign POST and the confirmation email are a surge's hot paths and
    these rows rarely change (pausing a petition takes effect within those seconds). Callers
    must not modify it.
    """
    seconds = settings.CAMPAIGN_CACHE_SECONDS if recent else 0
    if seconds > 0:
        hit = _recent_campaigns.get(slug)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
    campaign = (
        Campaign.objects.select_related("petition")
        .prefetch_related("translations")
        .filter(slug=slug)
        .first()
    )
    if campaign is None:
        raise Http404
    if seconds > 0:
        _recent_campaigns[slug] = (time.monotonic() + seconds, campaign)
    return campaign
