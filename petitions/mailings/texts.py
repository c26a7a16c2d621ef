"""An update's text in a signer's language, with the campaign's fallback chain.

Small on purpose: the updates service (campaign/campaigns/updates.py) is the natural home of
``update_translation``; until it has one, the mailing reads updates through here.
"""

from __future__ import annotations

from campaign.campaigns.content import language_chain, published_translations
from campaign.campaigns.models import CampaignUpdate, CampaignUpdateTranslation


def update_translations(update: CampaignUpdate) -> dict[str, CampaignUpdateTranslation]:
    """The update's texts that may be sent, by language: the primary language always; another
    one when the campaign offers that language and the text is reviewed (or the campaign
    publishes unreviewed translations), as for the campaign page."""
    campaign = update.campaign
    offered = published_translations(campaign)
    return {
        t.language: t
        for t in update.translations.all()
        if t.language == campaign.primary_language
        or (t.language in offered and (not t.needs_review or campaign.publish_unreviewed))
    }


def update_language(update: CampaignUpdate, language: str, texts=None) -> str:
    """The language a signer of ``language`` receives the update in: the first of its chain
    with a text, else the campaign's primary language."""
    texts = update_translations(update) if texts is None else texts
    return next(
        (code for code in language_chain(language, texts) if code in texts),
        update.campaign.primary_language,
    )


def update_translation(update: CampaignUpdate, language: str) -> CampaignUpdateTranslation:
    """The update's text for a signer of ``language`` (see ``update_language``)."""
    texts = update_translations(update)
    return texts[update_language(update, language, texts)]
