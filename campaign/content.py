"""Reading a campaign's organizer-written content in a language, with fallback."""

from __future__ import annotations

from django.conf import settings

from campaign.models import Campaign, CampaignTranslation

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def campaign_translation(campaign: Campaign, language: str) -> CampaignTranslation:
    """The campaign's content in ``language``, else in its primary language."""
    rows = {t.language: t for t in campaign.translations.all()}
    return rows.get(language) or rows[campaign.primary_language]


def offered_languages(campaign: Campaign) -> list[str]:
    """The languages the campaign has content in, the primary one first, then by code."""
    codes = {t.language for t in campaign.translations.all()}
    return sorted(codes, key=lambda code: (code != campaign.primary_language, code))
