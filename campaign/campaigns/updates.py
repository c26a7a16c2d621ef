"""Campaign updates: drafts written in the primary language, translated and reviewed like the
campaign's page, published by its owners, and read by the public in their language.

Which updates are public is decided here once (``public_updates``), and which language of one a
reader sees (``public_update``, ``update_language``): the campaign page, the updates page, the Atom feeds, the sitemap
and the update emails all read them through these two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from campaign.campaigns.content import language_chain, published_translations
from campaign.campaigns.models import Campaign, CampaignUpdate, CampaignUpdateTranslation
from campaign.campaigns.translations import field_hashes, stale_fields, written_from
from campaign.core.markup import normalise_newlines, split_paragraphs

# The organizer-written fields of an update; a change to one in the primary language makes the
# same field of every other language outdated.
UPDATE_FIELDS = ["title", "body"]
SLUG_MAX_LENGTH = CampaignUpdate._meta.get_field("slug").max_length
# The slug of an update whose title has no letter a slug can keep (a title in Greek script).
FALLBACK_SLUG = "update"
# A text up to this long is shown whole in lists (the campaign page); a longer one by its first
# paragraph.
SHORT_BODY_CHARACTERS = 400


class UpdateError(ValueError):
    """A change the update's state does not allow (the message says why, for the organizer)."""


def update_hashes(translation: CampaignUpdateTranslation) -> dict[str, str]:
    return field_hashes({name: getattr(translation, name) for name in UPDATE_FIELDS}, UPDATE_FIELDS)


def primary_of(update: CampaignUpdate) -> CampaignUpdateTranslation | None:
    """The update's text in its campaign's primary language (uses prefetched translations)."""
    language = update.campaign.primary_language
    return next((t for t in update.translations.all() if t.language == language), None)


def outdated_update_fields(
    translation: CampaignUpdateTranslation, primary: CampaignUpdateTranslation | None
) -> list[str]:
    """The fields of ``translation`` whose primary-language text changed since they were
    translated (none for the primary language itself)."""
    if primary is None or translation.language == primary.language:
        return []
    return stale_fields(translation.source_field_hashes or {}, update_hashes(primary))


def unique_slug(*, campaign: Campaign, title: str) -> str:
    """A slug from ``title`` that no other update of the campaign has: "-2", "-3", … appended
    when it is taken. Reads only."""
    base = slugify(title)[:SLUG_MAX_LENGTH].strip("-") or FALLBACK_SLUG
    taken = set(
        CampaignUpdate.objects.filter(campaign=campaign, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return slug


def create_update(*, campaign: Campaign, title: str, body: str, user) -> CampaignUpdate:
    """Start a draft update with its text in the campaign's primary language; its slug (its
    address, kept for good) comes from the title.

    Side effects: INSERTs the update and its primary-language translation (reviewed: the
    primary language is the source) in one transaction; a slug taken meanwhile is retried.
    """
    for _attempt in range(5):
        try:
            with transaction.atomic():
                update = CampaignUpdate.objects.create(
                    campaign=campaign,
                    slug=unique_slug(campaign=campaign, title=title),
                    created_by=user if user is not None and user.is_authenticated else None,
                )
                CampaignUpdateTranslation.objects.create(
                    update=update,
                    language=campaign.primary_language,
                    title=title,
                    body=body,
                    needs_review=False,
                )
            return update
        except IntegrityError:
            continue  # another organizer took the slug between the read and the insert
    raise UpdateError("no free slug")


def save_update_translation(
    *, update: CampaignUpdate, language: str, title: str, body: str
) -> tuple[CampaignUpdateTranslation, list[str]]:
    """Write an update's title and text in ``language``; returns the row and the names of the
    fields that changed (none: nothing was written).

    A changed field is recorded as written from the primary text as it is now; a changed
    translation needs review again (the primary language never does: it is the source, and a
    change to it makes the same fields of the other languages outdated).
    Side effects: one INSERT or UPDATE of the row, under a row lock.
    """
    # Compare and hash what will be stored: the model's field keeps "\n" line endings only.
    values = {"title": title, "body": normalise_newlines(body)}
    is_primary = language == update.campaign.primary_language
    with transaction.atomic():
        row = (
            CampaignUpdateTranslation.objects.select_for_update()
            .filter(update=update, language=language)
            .first()
        )
        if row is None:
            row = CampaignUpdateTranslation(update=update, language=language)
        changed = [
            name for name in UPDATE_FIELDS if row.pk is None or getattr(row, name) != values[name]
        ]
        if not changed:
            return row, []
        for name in UPDATE_FIELDS:
            setattr(row, name, values[name])
        if not is_primary:
            primary = CampaignUpdateTranslation.objects.filter(
                update=update, language=update.campaign.primary_language
            ).first()
            if primary is not None:
                row.source_field_hashes = written_from(
                    row.source_field_hashes or {}, update_hashes(primary), changed
                )
        row.needs_review = not is_primary
        row.save()
    return row, changed


def approve_update_translation(*, translation: CampaignUpdateTranslation) -> None:
    """A native speaker checked ``translation`` against the primary text as it is now: it no
    longer needs review and no field is outdated.

    Side effect: one UPDATE of the row (needs_review, source_field_hashes, updated_at).
    """
    primary = CampaignUpdateTranslation.objects.filter(
        update_id=translation.update_id, language=translation.update.campaign.primary_language
    ).first()
    translation.needs_review = False
    if primary is not None and primary.pk != translation.pk:
        translation.source_field_hashes = update_hashes(primary)
    translation.save(update_fields=["needs_review", "source_field_hashes", "updated_at"])


def publish_update(*, update: CampaignUpdate) -> bool:
    """The owners' decision to make a draft public (from now on). Returns whether it changed.

    Raises UpdateError when the update has no text in the campaign's primary language.
    Side effect: one UPDATE (published_at).
    """
    if not update.translations.filter(language=update.campaign.primary_language).exists():
        raise UpdateError("no primary text")
    now = timezone.now()
    changed = CampaignUpdate.objects.filter(pk=update.pk, published_at__isnull=True).update(
        published_at=now
    )
    if changed:
        update.published_at = now
    return bool(changed)


def unpublish_update(*, update: CampaignUpdate) -> bool:
    """Take a published update off the public pages and feeds (it becomes a draft again).
    Returns whether it changed. Side effect: one UPDATE (published_at)."""
    changed = CampaignUpdate.objects.filter(pk=update.pk, published_at__isnull=False).update(
        published_at=None
    )
    update.published_at = None
    return bool(changed)


def delete_draft(*, update: CampaignUpdate) -> bool:
    """Delete an update that was never published, or was taken back; a published one stays.
    Returns whether it was deleted. Side effect: DELETEs the update and its translations."""
    deleted, _ = CampaignUpdate.objects.filter(pk=update.pk, published_at__isnull=True).delete()
    return bool(deleted)


def public_updates(*, campaign: Campaign) -> QuerySet[CampaignUpdate]:
    """The campaign's published updates, newest first, with their translations: the one
    definition of which updates the public sees (the campaign itself must be public too, which
    every public view checks first)."""
    primary_text = CampaignUpdateTranslation.objects.filter(
        update=OuterRef("pk"), language=OuterRef("campaign__primary_language")
    )
    return (
        CampaignUpdate.objects.filter(campaign=campaign, published_at__isnull=False)
        .filter(Exists(primary_text))
        .select_related("campaign")
        .prefetch_related("translations")
        .order_by("-published_at", "-pk")
    )


def shown_translations(
    campaign: Campaign, update: CampaignUpdate, offered=None
) -> dict[str, CampaignUpdateTranslation]:
    """The update's languages a reader may see, by language: the primary one always; another
    when the campaign offers that language (published_translations) and the text is reviewed,
    or before that when the campaign publishes unreviewed translations (as its own text).
    ``offered``: the campaign's published_translations, when the caller already has them."""
    offered = published_translations(campaign) if offered is None else offered
    return {
        t.language: t
        for t in update.translations.all()
        if t.language == campaign.primary_language
        or (t.language in offered and (not t.needs_review or campaign.publish_unreviewed))
    }


def update_language(
    campaign: Campaign,
    update: CampaignUpdate,
    language: str,
    shown: dict[str, CampaignUpdateTranslation] | None = None,
) -> str:
    """The language a reader (or a signer, for the update emails) of ``language`` gets the
    update in, through the campaign text's fallback chain: the language, its base or variants,
    English, else the primary language."""
    shown = shown_translations(campaign, update) if shown is None else shown
    return next(
        (code for code in language_chain(language, shown) if code in shown),
        campaign.primary_language,
    )


@dataclass(frozen=True)
class PublicUpdate:
    """A published update as a reader of one language sees it."""

    update: CampaignUpdate
    translation: CampaignUpdateTranslation
    unreviewed: bool

    @property
    def slug(self) -> str:
        return self.update.slug

    @property
    def language(self) -> str:
        return self.translation.language

    @property
    def title(self) -> str:
        return self.translation.title

    @property
    def body(self) -> str:
        return self.translation.body

    @property
    def summary(self) -> str:
        """What a list shows of it: the whole text when short, else its first paragraph."""
        paragraphs = split_paragraphs(self.body)
        if len(self.body) <= SHORT_BODY_CHARACTERS or not paragraphs:
            return self.body
        return paragraphs[0]

    @property
    def published_at(self) -> datetime:
        return self.update.published_at

    @property
    def updated_at(self) -> datetime:
        """The last change a reader can see: publication or an edit of this language since."""
        return max(self.update.published_at, self.translation.updated_at)


def public_update(
    campaign: Campaign, update: CampaignUpdate, language: str, offered=None
) -> PublicUpdate:
    """The update for a reader of ``language``, through the campaign text's fallback chain:
    the language, its base or variants, English, else the primary language."""
    shown = shown_translations(campaign, update, offered)
    code = update_language(campaign, update, language, shown)
    translation = shown[code]
    return PublicUpdate(
        update=update,
        translation=translation,
        unreviewed=code != campaign.primary_language and translation.needs_review,
    )


def public_updates_in(
    *, campaign: Campaign, language: str, limit: int | None = None
) -> list[PublicUpdate]:
    """The published updates, newest first, each in the reader's language (see public_update);
    the ``limit`` newest only when given. Reads: two queries, and the campaign's translations
    unless they are prefetched (as get_campaign does)."""
    updates = public_updates(campaign=campaign)
    if limit is not None:
        updates = updates[:limit]
    offered = published_translations(campaign)
    return [public_update(campaign, update, language, offered) for update in updates]
