"""Translation review: which of a campaign's languages are missing, outdated or unreviewed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.utils import timezone

from campaign.campaigns.models import Campaign, CampaignTranslation

# The organizer-written fields a translation is made from; a change to any of them in the
# primary language makes the other languages outdated.
SOURCE_FIELDS = [
    "title",
    "lead",
    "ask",
    "addressee",
    "why",
    "petition_text",
    "share_text",
    "coalition_intro",
    "privacy_notice",
]


def source_hash(values: dict[str, str]) -> str:
    """A stable hash of the source fields of one translation (missing fields count as empty)."""
    payload = json.dumps(
        [values.get(name, "") for name in SOURCE_FIELDS], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def translation_hash(translation: CampaignTranslation) -> str:
    return source_hash({name: getattr(translation, name) for name in SOURCE_FIELDS})


@dataclass(frozen=True)
class LanguageStatus:
    language: str
    is_primary: bool
    missing: bool
    outdated: bool
    unreviewed: bool

    @property
    def ok(self) -> bool:
        return not (self.missing or self.outdated or self.unreviewed)


def language_statuses(campaign: Campaign) -> list[LanguageStatus]:
    """One status per target language (plus any language that has content), primary first."""
    rows = {t.language: t for t in campaign.translations.all()}
    primary = rows.get(campaign.primary_language)
    current = translation_hash(primary) if primary else ""
    languages = set(campaign.target_languages) | set(rows) | {campaign.primary_language}
    statuses = []
    for code in sorted(languages, key=lambda c: (c != campaign.primary_language, c)):
        row = rows.get(code)
        is_primary = code == campaign.primary_language
        statuses.append(
            LanguageStatus(
                language=code,
                is_primary=is_primary,
                missing=row is None,
                outdated=row is not None and not is_primary and row.source_hash != current,
                unreviewed=row is not None and not is_primary and row.needs_review,
            )
        )
    return statuses


def approve_translations(translations, *, user) -> int:
    """Mark translations as reviewed by ``user`` and up to date with the current primary text.

    Side effects: updates needs_review, reviewed_at, reviewed_by and source_hash of each row.
    Returns the number of rows approved.
    """
    now = timezone.now()
    approved = 0
    primaries: dict[int, str] = {}
    for translation in translations.select_related("campaign"):
        campaign = translation.campaign
        if campaign.pk not in primaries:
            primaries[campaign.pk] = current_source_hash(campaign)
        translation.needs_review = False
        translation.reviewed_at = now
        translation.reviewed_by = user
        translation.source_hash = primaries[campaign.pk]
        translation.save(
            update_fields=[
                "needs_review",
                "reviewed_at",
                "reviewed_by",
                "source_hash",
                "updated_at",
            ]
        )
        approved += 1
    return approved


def current_source_hash(campaign: Campaign) -> str:
    """The hash of the primary translation as it is now (uses prefetched translations)."""
    primary = next(
        (t for t in campaign.translations.all() if t.language == campaign.primary_language),
        None,
    )
    return translation_hash(primary) if primary else ""
