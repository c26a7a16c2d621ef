"""Reading a campaign's organizer-written content in a language, with fallback."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import Http404

from campaign.campaigns.models import Campaign, CampaignTranslation

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def published_translations(campaign: Campaign) -> dict[str, CampaignTranslation]:
    """The campaign's translations that may be shown, by language.

    The primary language always; another one when its owners publish it (the translation
    workspace) and a native speaker reviewed it, or before that when the campaign publishes
    unreviewed translations (with a notice on the page).
    """
    return {
        t.language: t
        for t in campaign.translations.all()
        if t.language == campaign.primary_language
        or (t.is_published and (not t.needs_review or campaign.publish_unreviewed))
    }


def language_chain(language: str, offered) -> list[str]:
    """The languages to try for a visitor of ``language``, most wanted first.

    The language itself, its base language (pt-br → pt), the base's other regional variants
    the campaign offers (pt → pt-br), then English.
    """
    language = (language or "").lower()
    base = language.split("-")[0]
    variants = sorted(code for code in offered if code.split("-")[0] == base)
    chain = [language, base, *variants, settings.LANGUAGE_CODE]
    return list(dict.fromkeys(code for code in chain if code))


def content_language(campaign: Campaign, language: str) -> str:
    """The published language to show a visitor of ``language``: the first of its chain that
    the campaign offers, else the campaign's primary language."""
    offered = published_translations(campaign)
    return next(
        (code for code in language_chain(language, offered) if code in offered),
        campaign.primary_language,
    )


def campaign_translation(campaign: Campaign, language: str) -> CampaignTranslation:
    """The campaign's published content for a visitor of ``language`` (see content_language)."""
    return published_translations(campaign)[content_language(campaign, language)]


def offered_languages(campaign: Campaign) -> list[str]:
    """The published languages of the campaign, the primary one first, then by code."""
    codes = set(published_translations(campaign))
    return sorted(codes, key=lambda code: (code != campaign.primary_language, code))


def is_unreviewed(campaign: Campaign, content: CampaignTranslation) -> bool:
    """Whether the page shows a translation no native speaker has approved yet."""
    return content.language != campaign.primary_language and content.needs_review


# slug -> (expires at, campaign): the sign path's per-process copy, see get_campaign.
_recent_campaigns: dict[str, tuple[float, Campaign]] = {}


def get_campaign(slug: str, *, recent: bool = False, drafts: bool = False) -> Campaign:
    """The published campaign with its petition and translations, or 404.

    A campaign not yet published, or without its petition or primary-language text, answers
    404 (``Campaign.objects.public()``); ``drafts`` finds it anyway, for the owner's preview,
    and still 404s without a petition or primary text.

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
    found = Campaign.objects.complete() if drafts else Campaign.objects.public()
    campaign = (
        found.select_related("petition").prefetch_related("translations").filter(slug=slug).first()
    )
    if campaign is None:
        raise Http404
    if seconds > 0:
        _recent_campaigns[slug] = (time.monotonic() + seconds, campaign)
    return campaign
