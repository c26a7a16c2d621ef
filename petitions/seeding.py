"""Seeding the launch campaigns from petitions/launch_content/*.json (idempotent)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from campaign.campaigns.models import (
    Campaign,
    CampaignTranslation,
    CampaignUpdate,
    CampaignUpdateTranslation,
    Partner,
)
from campaign.campaigns.sections import join_items, join_sources, join_timeline
from campaign.campaigns.translations import (
    SOURCE_FIELDS,
    field_hash,
    field_hashes,
    source_hash,
    translation_hash,
)
from petitions.models import Petition, Widget

CONTENT_DIR = Path(__file__).resolve().parent / "launch_content"
# The seed files give these as lists (formats in campaign/campaigns/sections.py); the other
# texts as they are stored.
LIST_FIELDS = ("why", "sources", "faq", "myths", "timeline", "resources", "contact")
TRANSLATED_FIELDS = [name for name in SOURCE_FIELDS if name not in LIST_FIELDS]
# Per item list, the keys of an item's heading and of its paragraphs in the seed files.
ITEM_KEYS = {
    "faq": ("q", "a"),
    "myths": ("myth", "fact"),
    "resources": ("title", "text"),
    "contact": ("heading", "text"),
}
# The update every launch campaign starts with (its launch), from the files' "updates".
LAUNCH_UPDATE = "launch"


def paragraphs(value) -> list[str]:
    """A seed file's paragraphs: a list of them, or one string."""
    return [value] if isinstance(value, str) else list(value or [])


def stored_texts(text: dict) -> dict[str, str]:
    """One language of a seed file as the translation's stored texts (missing keys: "")."""
    return {
        **{name: text.get(name, "") for name in TRANSLATED_FIELDS},
        "why": "\n\n".join(paragraphs(text.get("why"))),
        "sources": join_sources(text.get("sources") or []),
        "timeline": join_timeline(
            [(item["date"], item["text"]) for item in text.get("timeline") or []]
        ),
        **{
            name: join_items(
                [(item[heading], paragraphs(item[body])) for item in text.get(name) or []]
            )
            for name, (heading, body) in ITEM_KEYS.items()
        },
    }


def seed_campaign(data: dict, *, demo_partner: bool = False) -> Campaign:
    """Create what is missing of one campaign; never overwrite what organizers edited.

    Side effects: rows for the campaign, its petition, translations, coalition partners and,
    with ``demo_partner``, the demo partner with its widget whose key is ``demo-<slug>``
    (guessable, so only where asked for: ``make run``, ``seed_campaigns --demo-partner``).
    The launch campaigns are published when seeded (``Campaign.published_at``).
    A translation still holding the texts it was last seeded with takes the file's new texts
    (and needs review again).
    """
    slug = data["slug"]
    primary_language = data["primary_language"]
    texts = {language: stored_texts(text) for language, text in data["translations"].items()}
    # Seeded translations were written from the primary text in the same file.
    written_from = source_hash(texts[primary_language])
    written_from_fields = field_hashes(texts[primary_language])
    with transaction.atomic():
        campaign, _ = Campaign.objects.get_or_create(
            slug=slug,
            defaults={
                "hashtag": data["hashtag"],
                "primary_language": primary_language,
                "region_kind": data["region_kind"],
                "region_country": data.get("region_country", ""),
                # An explicit choice per campaign (petitions/launch_content/*.json); new campaigns
                # default to offering reviewed translations only.
                "publish_unreviewed": data.get("publish_unreviewed", False),
                "accent_color": data.get("accent_color", Campaign.accent_color.field.default),
            },
        )
        # Languages with content are always targets; organizers may add more in the admin.
        targets = list(campaign.target_languages) or list(
            data.get("target_languages") or texts.keys()
        )
        targets += [code for code in texts if code not in targets]
        if targets != campaign.target_languages:
            campaign.target_languages = targets
            campaign.save(update_fields=["target_languages"])
        petition, _ = Petition.objects.get_or_create(
            campaign=campaign, defaults={"goal": data["goal"]}
        )
        if campaign.published_at is None:
            # The launch campaigns are public once seeded (their rows come first, above).
            campaign.published_at = timezone.now()
            campaign.save(update_fields=["published_at"])
        for language, defaults in texts.items():
            is_primary = language == primary_language
            translation, created = CampaignTranslation.objects.get_or_create(
                campaign=campaign,
                language=language,
                defaults={
                    **defaults,
                    "needs_review": not is_primary,
                    "source_hash": written_from,
                    "source_field_hashes": written_from_fields,
                    "seeded_hash": source_hash(defaults),
                },
            )
            if not created:
                update_seeded_texts(
                    translation,
                    defaults,
                    written_from=written_from,
                    is_primary=is_primary,
                    written_from_fields=written_from_fields,
                )
            if not created and not translation.source_hash:
                # Rows seeded before review tracking existed: record what they were written from.
                translation.source_hash = written_from
                translation.save(update_fields=["source_hash"])
        for position, member in enumerate(data.get("coalition", [])):
            Partner.objects.get_or_create(
                campaign=campaign,
                name=member["name"],
                defaults={"website": member.get("website", ""), "position": position},
            )
        seed_launch_update(campaign, data)
        if demo_partner:
            seed_demo_partner(campaign, petition)
    return campaign


def update_texts(text: dict) -> dict[str, str]:
    return {"title": text.get("title", ""), "body": "\n\n".join(paragraphs(text.get("body")))}


def update_hash(texts: dict[str, str]) -> str:
    """What an update translation was seeded with, to tell later whether someone edited it."""
    return field_hash(json.dumps([texts["title"], texts["body"]], ensure_ascii=False))


def seed_launch_update(campaign: Campaign, data: dict) -> CampaignUpdate | None:
    """The campaign's launch as its first update, in each language whose file has one.

    Like the campaign's translations: a new row is written from the primary language's text
    (``source_field_hashes``) and needs review except in the primary language; a row still
    holding what it was seeded with takes the file's new text; an edited row is left alone.
    Side effects: creates the update (published when the campaign was) and its translations
    where missing, updates unedited ones. Returns the update (None when no file has one).
    """
    launches = {
        language: update_texts(text["updates"][LAUNCH_UPDATE])
        for language, text in data["translations"].items()
        if LAUNCH_UPDATE in (text.get("updates") or {})
    }
    if not launches:
        return None
    update, _ = CampaignUpdate.objects.get_or_create(
        campaign=campaign, slug=LAUNCH_UPDATE, defaults={"published_at": campaign.published_at}
    )
    primary = launches.get(campaign.primary_language)
    written_from = (
        {name: field_hash(primary[name]) for name in ("title", "body")} if primary else {}
    )
    for language, texts in launches.items():
        is_primary = language == campaign.primary_language
        seeded = update_hash(texts)
        row, created = CampaignUpdateTranslation.objects.get_or_create(
            update=update,
            language=language,
            defaults={
                **texts,
                "needs_review": not is_primary,
                "source_field_hashes": written_from,
                "seeded_hash": seeded,
            },
        )
        if created or not row.seeded_hash or row.seeded_hash == seeded:
            continue
        if update_hash({"title": row.title, "body": row.body}) != row.seeded_hash:
            continue  # edited since it was seeded: the organizer's text wins
        row.title, row.body = texts["title"], texts["body"]
        row.seeded_hash = seeded
        row.source_field_hashes = written_from
        row.needs_review = not is_primary
        row.save()
    return update


def demo_widget_key(slug: str) -> str:
    return f"demo-{slug}"


def seed_demo_partner(campaign: Campaign, petition: Petition) -> Widget:
    """The unlisted demo partner and its widget, allowed on localhost and 127.0.0.1 only.

    Side effects: creates both where missing.
    """
    demo, _ = Partner.objects.get_or_create(
        campaign=campaign,
        name="Demo partner",
        defaults={"is_listed": False, "position": 1000},
    )
    widget, _ = Widget.objects.get_or_create(
        key=demo_widget_key(campaign.slug),
        defaults={
            "petition": petition,
            "partner": demo,
            "language": campaign.primary_language,
            "allowed_domains": ["localhost", "127.0.0.1"],
        },
    )
    return widget


def update_seeded_texts(
    translation: CampaignTranslation,
    texts: dict[str, str],
    *,
    written_from: str,
    is_primary: bool,
    written_from_fields: dict[str, str] | None = None,
) -> bool:
    """Give a translation the file's new texts if no organizer edited what was seeded.

    Side effects: saves the texts, seeded_hash, source_hash, source_field_hashes and (except in the primary
    language) needs_review=True. Returns whether the row changed.
    """
    new_hash = source_hash(texts)
    if not translation.seeded_hash or translation.seeded_hash == new_hash:
        return False
    if translation_hash(translation) != translation.seeded_hash:
        return False  # edited since it was seeded: the organizer's text wins
    for name, text in texts.items():
        setattr(translation, name, text)
    translation.seeded_hash = new_hash
    translation.source_hash = written_from
    translation.source_field_hashes = written_from_fields or {}
    translation.needs_review = not is_primary
    translation.save()
    return True


def seed_launch_campaigns(*, demo_partner: bool = False) -> list[Campaign]:
    return [
        seed_campaign(json.loads(path.read_text(encoding="utf-8")), demo_partner=demo_partner)
        for path in sorted(CONTENT_DIR.glob("*.json"))
    ]
