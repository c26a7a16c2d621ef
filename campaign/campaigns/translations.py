"""Translation review: which of a campaign's languages are missing, outdated or unreviewed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from campaign.campaigns.content import published_translations
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
    "hero_alt",
    "sources",
    "faq",
    "myths",
    "timeline",
    "resources",
    "contact",
]


def source_hash(values: dict[str, str]) -> str:
    """A stable hash of the source fields of one translation (missing fields count as empty)."""
    payload = json.dumps(
        [values.get(name, "") for name in SOURCE_FIELDS], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def translation_hash(translation: CampaignTranslation) -> str:
    return source_hash({name: getattr(translation, name) for name in SOURCE_FIELDS})


def field_hash(text: str) -> str:
    """The hash of one source field's text (what a translated field was written from)."""
    return hashlib.sha256((text or "").encode()).hexdigest()


def field_hashes(values: dict[str, str], fields=SOURCE_FIELDS) -> dict[str, str]:
    """Per source field, the hash of its text (missing fields count as empty)."""
    return {name: field_hash(values.get(name, "")) for name in fields}


def stale_fields(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """The fields of ``current`` (field → hash of the source text as it is now) whose text
    changed since the hashes in ``recorded`` were taken: what a translation must catch up on.
    Campaign translations and update translations both keep their per-field hashes this way."""
    return [name for name in current if recorded.get(name) != current[name]]


def written_from(recorded: dict[str, str], current: dict[str, str], fields) -> dict[str, str]:
    """``recorded`` with ``fields`` marked as written from the source as it is now
    (``current``: field → hash); a new dict, the arguments stay as they were."""
    return {**recorded, **{name: current[name] for name in fields if name in current}}


def translation_field_hashes(translation: CampaignTranslation) -> dict[str, str]:
    return field_hashes({name: getattr(translation, name) for name in SOURCE_FIELDS})


def primary_translation(campaign: Campaign) -> CampaignTranslation | None:
    """The campaign's text in its primary language (uses prefetched translations)."""
    return next(
        (t for t in campaign.translations.all() if t.language == campaign.primary_language),
        None,
    )


def outdated_fields(
    translation: CampaignTranslation, primary: CampaignTranslation | None
) -> list[str]:
    """The fields of ``translation`` whose primary-language source changed since they were
    translated. Rows written before per-field hashes were kept fall back to the row's
    ``source_hash``: all fields if it is outdated, none if not."""
    if primary is None or translation.language == primary.language:
        return []
    current = translation_field_hashes(primary)
    recorded = translation.source_field_hashes or {}
    if not recorded:
        return [] if translation.source_hash == translation_hash(primary) else list(SOURCE_FIELDS)
    return stale_fields(recorded, current)


def mark_written_from(
    translation: CampaignTranslation, primary: CampaignTranslation | None, fields
) -> None:
    """Record that ``fields`` of ``translation`` were written from the primary text as it is
    now; the row's ``source_hash`` follows once no field is outdated. Changes the instance
    only (the caller saves it)."""
    if primary is None or translation.language == primary.language:
        return
    current = translation_field_hashes(primary)
    recorded = dict(translation.source_field_hashes or {})
    if not recorded and translation.source_hash == translation_hash(primary):
        recorded = dict(current)  # a row from before per-field hashes, up to date as a whole
    recorded = written_from(recorded, current, fields)
    translation.source_field_hashes = recorded
    if not stale_fields(recorded, current):
        translation.source_hash = translation_hash(primary)


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

    Side effects: updates needs_review, reviewed_at, reviewed_by, source_hash and
    source_field_hashes of each row. Returns the number of rows approved.
    """
    now = timezone.now()
    approved = 0
    primaries: dict[int, CampaignTranslation | None] = {}
    for translation in translations.select_related("campaign"):
        campaign = translation.campaign
        if campaign.pk not in primaries:
            primaries[campaign.pk] = primary_translation(campaign)
        primary = primaries[campaign.pk]
        translation.needs_review = False
        translation.reviewed_at = now
        translation.reviewed_by = user
        translation.source_hash = translation_hash(primary) if primary else ""
        translation.source_field_hashes = translation_field_hashes(primary) if primary else {}
        translation.save(
            update_fields=[
                "needs_review",
                "reviewed_at",
                "reviewed_by",
                "source_hash",
                "source_field_hashes",
                "updated_at",
            ]
        )
        approved += 1
    return approved


def current_source_hash(campaign: Campaign) -> str:
    """The hash of the primary translation as it is now (uses prefetched translations)."""
    primary = primary_translation(campaign)
    return translation_hash(primary) if primary else ""


def save_translation(
    *, campaign: Campaign, language: str, values: dict[str, str]
) -> tuple[CampaignTranslation, list[str]]:
    """Write a language's text from the translation workspace; returns the row and the names
    of the fields that changed (none: nothing was written).

    A new language starts unpublished. Changed fields are recorded as written from the primary
    text as it is now (``mark_written_from``); a changed translation needs review again.
    Side effects: one INSERT or UPDATE of the row, under a row lock.
    """
    with transaction.atomic():
        translation = (
            CampaignTranslation.objects.select_for_update()
            .filter(campaign=campaign, language=language)
            .first()
        )
        is_primary = language == campaign.primary_language
        if translation is None:
            translation = CampaignTranslation(
                campaign=campaign, language=language, is_published=is_primary
            )
        changed = [
            name
            for name in SOURCE_FIELDS
            if translation.pk is None or getattr(translation, name) != values.get(name, "")
        ]
        if not changed:
            return translation, []
        for name in SOURCE_FIELDS:
            setattr(translation, name, values.get(name, ""))
        primary = CampaignTranslation.objects.filter(
            campaign=campaign, language=campaign.primary_language
        ).first()
        mark_written_from(translation, primary, changed)
        translation.needs_review = not is_primary
        translation.save()
    return translation, changed


def set_published(*, translation: CampaignTranslation, published: bool) -> bool:
    """The owners' decision whether a language is offered on the public pages (the primary
    language always is). Returns whether it changed. Side effect: one UPDATE."""
    if translation.language == translation.campaign.primary_language:
        return False
    updated = (
        CampaignTranslation.objects.filter(pk=translation.pk)
        .exclude(is_published=published)
        .update(is_published=published, updated_at=timezone.now())
    )
    translation.is_published = published
    return bool(updated)


def add_target_language(*, campaign: Campaign, language: str) -> bool:
    """Make ``language`` one of the campaign's languages to translate into (it shows as missing
    until someone writes it). Returns whether it changed. Side effect: one UPDATE."""
    if language in campaign.target_languages:
        return False
    campaign.target_languages = [*campaign.target_languages, language]
    campaign.save(update_fields=["target_languages"])
    return True


@dataclass(frozen=True)
class WorkspaceLanguage:
    """One language of the translation workspace: its row (None while missing), the fields whose
    source changed since they were translated, and whether the public pages offer it."""

    language: str
    is_primary: bool
    translation: CampaignTranslation | None
    outdated_fields: list[str]
    offered: bool

    @property
    def missing(self) -> bool:
        return self.translation is None

    @property
    def needs_review(self) -> bool:
        return (
            self.translation is not None and not self.is_primary and self.translation.needs_review
        )


def workspace_languages(campaign: Campaign) -> list[WorkspaceLanguage]:
    """The campaign's target languages (and any with content), the primary one first."""
    rows = {t.language: t for t in campaign.translations.all()}
    primary = rows.get(campaign.primary_language)
    offered = published_translations(campaign)
    languages = set(campaign.target_languages) | set(rows) | {campaign.primary_language}
    return [
        WorkspaceLanguage(
            language=code,
            is_primary=code == campaign.primary_language,
            translation=rows.get(code),
            outdated_fields=outdated_fields(rows[code], primary) if code in rows else [],
            offered=code in offered,
        )
        for code in sorted(languages, key=lambda c: (c != campaign.primary_language, c))
    ]
